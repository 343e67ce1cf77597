package cli

import (
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// Wrap lays text out for a terminal width columns wide; width 0 (no
// terminal: a pipe, a file) gives text back as it is.
//
// Prose: a run of non-blank lines of one indentation is a paragraph,
// refilled on word boundaries. Its later lines hang under the text after
// the first line's lead: its indentation and a leading label such as
// "rule: ", "why: ", "hint 1/2: " (a lower-case label, not a sentence),
// a first column ("child      ", "nstool     # ") or "✗ ". A paragraph
// whose lines all fit stays as written.
//
// Commands: a line indented 4 or more columns deeper than the text's
// least indented line is shown as it is, never broken. When it is too
// wide and ends with a comment ("   # util-linux: ..."), the comment goes
// moves closer to it (three spaces) or, if that is still too wide, goes
// on a line of its own below it, at the same indentation.
func Wrap(text string, width int) string {
	if width <= 0 || text == "" {
		return text
	}
	lines := strings.Split(text, "\n")
	base := -1
	for _, l := range lines {
		if strings.TrimSpace(l) != "" && (base < 0 || indentOf(l) < base) {
			base = indentOf(l)
		}
	}
	var out []string
	for i := 0; i < len(lines); {
		l := lines[i]
		switch {
		case strings.TrimSpace(l) == "":
			out = append(out, l)
			i++
		case indentOf(l) >= base+4:
			out = append(out, layCommand(l, width)...)
			i++
		default:
			// The paragraph: lines of this indentation up to a blank line,
			// a command or another indentation.
			j := i + 1
			for j < len(lines) && strings.TrimSpace(lines[j]) != "" && indentOf(lines[j]) == indentOf(l) {
				j++
			}
			out = append(out, fill(lines[i:j], width)...)
			i = j
		}
	}
	return strings.Join(out, "\n")
}

// layCommand keeps a command line whole; a comment that does not fit beside
// it goes below it.
func layCommand(l string, width int) []string {
	if Width(l) <= width {
		return []string{l}
	}
	cmd, comment, ok := splitComment(l)
	if !ok {
		return []string{l}
	}
	if closer := cmd + "   " + comment; Width(closer) <= width {
		return []string{closer} // beside it still, with less space between
	}
	pre := l[:indentOf(l)]
	return []string{cmd, pre + comment}
}

// splitComment cuts a command line before a comment that follows two or
// more spaces ("cmd   # comment"), the way lab texts set one beside a
// command.
func splitComment(l string) (cmd, comment string, ok bool) {
	i := strings.Index(l, "  #")
	if i < 0 {
		return "", "", false
	}
	return strings.TrimRight(l[:i], " "), strings.TrimLeft(l[i:], " "), true
}

// leadRe is a paragraph's lead: the label its later lines hang under.
var leadRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(?:[a-z][\w/-]*(?: [\w/]+)?: |[\w-]+ {2,}(?:# )?|# |(?:\x1b\[[0-9;]*m)?[-*•✓✗](?:\x1b\[[0-9;]*m)? |\d+\. )?`)
})

// fill refills one paragraph's lines on word boundaries; one whose lines
// all fit stays as written.
func fill(lines []string, width int) []string {
	fits := true
	for _, l := range lines {
		fits = fits && Width(l) <= width
	}
	if fits {
		return lines
	}
	first := lines[0]
	lead := leadRe().FindString(first)
	hang := strings.Repeat(" ", Width(lead))
	words := strings.Fields(first[len(lead):])
	for _, l := range lines[1:] {
		words = append(words, strings.Fields(l)...)
	}
	if Width(hang) >= width/2 {
		// A lead as wide as half the screen leaves no room: hang under the
		// indentation alone.
		hang = first[:indentOf(first)]
	}
	var out []string
	cur := lead
	empty := true
	for _, w := range words {
		switch {
		case empty:
			cur += w
			empty = false
		case Width(cur)+1+Width(w) <= width:
			cur += " " + w
		default:
			out = append(out, cur)
			cur = hang + w
		}
	}
	return append(out, cur)
}

// indentOf counts the leading spaces of l (a tab counts as 8 columns).
func indentOf(l string) int {
	n := 0
	for _, r := range l {
		switch r {
		case ' ':
			n++
		case '\t':
			n += 8
		default:
			return n
		}
	}
	return n
}

// csiRe matches an SGR colour sequence, which takes no column.
var csiRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("\x1b\\[[0-9;]*m") })

// Width is the number of columns s takes on a terminal: its characters,
// not counting colour sequences (the texts nstool prints have no wide
// characters).
func Width(s string) int {
	if strings.IndexByte(s, 0x1b) >= 0 {
		s = csiRe().ReplaceAllString(s, "")
	}
	return utf8.RuneCountInString(s)
}
