package lab

import (
	"regexp"
	"strings"
	"sync"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// renderMarkdown shows a lab's README on a terminal width columns wide:
// headings and **bold** in bold, `code` in cyan without its backticks,
// links as "text (address)", code blocks and tables indented and never
// broken, prose refilled (cli.Wrap). Without colour, the same layout in
// plain letters. A pipe gets the Markdown itself (the command's choice).
func renderMarkdown(md string, width int, color bool) string {
	sgr := func(code, s string) string {
		if !color {
			return s
		}
		return "\033[" + code + "m" + s + "\033[0m"
	}
	var out []string
	lines := strings.Split(strings.TrimSpace(md), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "```"):
			for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
				out = append(out, "    "+sgr("36", lines[i]))
			}
		case strings.HasPrefix(l, "|"):
			j := i
			for j < len(lines) && strings.HasPrefix(lines[j], "|") {
				j++
			}
			out = append(out, table(lines[i:j], width, sgr)...)
			i = j - 1
		case strings.HasPrefix(l, "#"):
			level := len(l) - len(strings.TrimLeft(l, "#"))
			head := inline(strings.TrimSpace(l[level:]), sgr)
			if level == 1 {
				head = sgr("1;4", head)
			} else {
				head = sgr("1", head)
			}
			out = append(out, head)
		default:
			out = append(out, inline(l, sgr))
		}
	}
	return cli.Wrap(strings.Join(out, "\n"), width) + "\n"
}

var (
	boldRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\*\*([^*]+)\*\*`) })
	codeRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("`([^`]+)`") })
	linkRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[([^\]]+)\]\(([^)]+)\)`) })
	emRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(^|[\s(])\*([^*\s][^*]*)\*`) })
)

// inline renders a line's bold, emphasis, code and links.
func inline(l string, sgr func(code, s string) string) string {
	l = linkRe().ReplaceAllString(l, "$1 ($2)")
	l = codeRe().ReplaceAllStringFunc(l, func(m string) string { return sgr("36", m[1:len(m)-1]) })
	l = boldRe().ReplaceAllStringFunc(l, func(m string) string { return sgr("1", m[2:len(m)-2]) })
	return emRe().ReplaceAllStringFunc(l, func(m string) string {
		sub := emRe().FindStringSubmatch(m)
		return sub[1] + sgr("3", sub[2])
	})
}

// table lays a Markdown table out in columns, its header bold, indented
// so that cli.Wrap leaves it alone. A table wider than width narrows its
// widest columns, and their cells wrap within them.
func table(rows []string, width int, sgr func(code, s string) string) []string {
	var cells [][]string
	var widths []int
	for _, r := range rows {
		r = strings.Trim(strings.TrimSpace(r), "|")
		if strings.Trim(r, "|-: ") == "" {
			continue // the |---|---| line
		}
		var row []string
		for k, c := range strings.Split(r, "|") {
			c = inline(strings.TrimSpace(c), func(_, s string) string { return s })
			row = append(row, c)
			if k >= len(widths) {
				widths = append(widths, 0)
			}
			widths[k] = max(widths[k], cli.Width(c))
		}
		cells = append(cells, row)
	}
	total := func() int {
		n := 4 + 2*(len(widths)-1)
		for _, w := range widths {
			n += w
		}
		return n
	}
	// (A table of separator lines only has no columns to narrow.)
	for width > 0 && len(widths) > 0 && total() > width {
		widest := 0
		for k, w := range widths {
			if w > widths[widest] {
				widest = k
			}
		}
		if widths[widest] <= 8 {
			break
		}
		widths[widest]--
	}
	var out []string
	for n, row := range cells {
		// Each cell wrapped in its column; the row is as tall as its
		// tallest cell.
		var wrapped [][]string
		height := 1
		for k, c := range row {
			ls := strings.Split(cli.Wrap(c, widths[k]), "\n")
			wrapped = append(wrapped, ls)
			height = max(height, len(ls))
		}
		for h := 0; h < height; h++ {
			var b strings.Builder
			for k, ls := range wrapped {
				c := ""
				if h < len(ls) {
					c = ls[h]
				}
				if k > 0 {
					b.WriteString("  ")
				}
				if k < len(wrapped)-1 {
					c += strings.Repeat(" ", max(0, widths[k]-cli.Width(c)))
				}
				b.WriteString(c)
			}
			line := strings.TrimRight(b.String(), " ")
			if n == 0 {
				line = sgr("1", line)
			}
			out = append(out, "    "+line)
		}
	}
	return out
}
