package lab

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

// `lab show` on a terminal: the README's Markdown rendered (bold, headings,
// code, tables in columns, code blocks indented), at the terminal's width;
// each lab's README at 60, 80 and 120 columns has no line wider than that.
func TestRenderMarkdown(t *testing.T) {
	md := "# Lab 04 · Types\n\n**Time:** about 20 minutes · **Start:** `nstool lab start 04-types`\n\n" +
		"## Why\n\n| type | sends | can be bind-mounted |\n|---|---|---|\n| shared | yes | yes |\n\n" +
		"See [the man page](https://man7.org/x) and *shared and slave*.\n\n```\nnstool mount --make-shared /lab/src\n```\n"
	got := renderMarkdown(md, 80, true)
	for _, want := range []string{
		"\x1b[1;4mLab 04 · Types\x1b[0m\n",
		"\x1b[1mTime:\x1b[0m about 20 minutes · \x1b[1mStart:\x1b[0m \x1b[36mnstool lab start 04-types\x1b[0m\n",
		"\x1b[1mWhy\x1b[0m\n",
		"    \x1b[1mtype    sends  can be bind-mounted\x1b[0m\n    shared  yes    yes\n",
		"See the man page (https://man7.org/x) and \x1b[3mshared and slave\x1b[0m.",
		"\n    \x1b[36mnstool mount --make-shared /lab/src\x1b[0m\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered Markdown lacks %q:\n%s", want, got)
		}
	}
	if plain := renderMarkdown(md, 80, false); strings.Contains(plain, "\x1b") || strings.Contains(plain, "**") || strings.Contains(plain, "`") || strings.Contains(plain, "```") {
		t.Errorf("without colour, Markdown or colour is left:\n%s", plain)
	}
	all, _ := labs.All()
	for _, l := range all {
		for _, width := range []int{60, 80, 120} {
			for _, line := range strings.Split(renderMarkdown(l.README, width, true), "\n") {
				// Code is never broken (a mountinfo line in lab 02 is wider
				// than 60 columns); everything else fits.
				if cli.Width(line) > width && !strings.HasPrefix(line, "    \x1b[36m") {
					t.Errorf("%s at %d: a line of %d columns: %q", l.ID, width, cli.Width(line), line)
				}
			}
		}
	}
}

// Markdown no lab has, from a teacher's README, renders at any width: a
// table of separator lines only (no column to narrow: an index out of
// range at 1 column), an unclosed code block, unclosed bold and code.
func TestRenderOddMarkdown(t *testing.T) {
	for _, md := range []string{"|\n", "|||\n|---|\n", "```\nunclosed\n# h\n**bold\n`code\n", strings.Repeat("|", 500) + "\n" + strings.Repeat("#", 300)} {
		for _, width := range []int{1, 2, 5, 80} {
			if got := renderMarkdown(md, width, true); got == "" {
				t.Errorf("%q at %d: nothing rendered", md, width)
			}
		}
	}
}
