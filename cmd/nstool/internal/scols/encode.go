package scols

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The encodings below reproduce util-linux's (lib/mbsalign.c and
// include/carefulputc.h) so that odd bytes in mount points — the kernel
// allows anything but NUL and '/' in a name — come out the same.

func isCntrl(c byte) bool { return c < 0x20 || c == 0x7f }

// isPrintC is isprint(3) for one byte: glibc's tables mark only printable
// ASCII, in the C and in UTF-8 locales alike.
func isPrintC(c byte) bool { return c >= 0x20 && c < 0x7f }

func hexByte(b *strings.Builder, c byte) { fmt.Fprintf(b, "\\x%02x", c) }

// safeEncode is libsmartcols' encoding for aligned output: control bytes
// and a backslash that starts "\x" become \xNN; in a UTF-8 locale valid
// printable characters stay and count their display width, elsewhere (and
// for invalid sequences) bytes outside printable ASCII become \xNN.
// It returns the encoded text and its width in terminal cells.
func safeEncode(s string, utf bool) (string, int) {
	if isPlain(s) {
		return s, len(s)
	}
	var b strings.Builder
	width := 0
	for i := 0; i < len(s); {
		c := s[i]
		if (c == '\\' && i+1 < len(s) && s[i+1] == 'x') || isCntrl(c) {
			hexByte(&b, c)
			width += 4
			i++
			continue
		}
		if c < utf8.RuneSelf || !utf {
			if isPrintC(c) {
				b.WriteByte(c)
				width++
			} else {
				hexByte(&b, c)
				width += 4
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			hexByte(&b, c)
			width += 4
			n = 1
		case isBoxDrawing(r): // the tree's art, on every line: no table lookups
			b.WriteString(s[i : i+n])
			width++
		case !unicode.IsGraphic(r):
			for k := 0; k < n; k++ {
				hexByte(&b, s[i+k])
				width += 4
			}
		default:
			b.WriteString(s[i : i+n])
			width += runeWidth(r)
		}
		i += n
	}
	return b.String(), width
}

// isPlain reports whether s is printable ASCII without a "\x".
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isPrintC(c) || (c == '\\' && i+1 < len(s) && s[i+1] == 'x') {
			return false
		}
	}
	return true
}

// textWidth is the display width of already encoded text (tree art).
func textWidth(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

// runeWidth is wcwidth(3) for printable characters: 0 for combining marks,
// 2 for East Asian wide and fullwidth characters, else 1.
func runeWidth(r rune) int {
	if r < 0x300 || isBoxDrawing(r) {
		return 1
	}
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return 0
	}
	for _, w := range wideRanges {
		if r >= w[0] && r <= w[1] {
			return 2
		}
	}
	return 1
}

var wideRanges = [][2]rune{
	{0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC},
	{0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
	{0xA000, 0xA4CF}, {0xA960, 0xA97F}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
	{0xFE10, 0xFE19}, {0xFE30, 0xFE6F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6},
	{0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
}

// isBoxDrawing reports whether r is in Unicode's Box Drawing block
// (U+2500..U+257F, the tree's ├─ └─ │): all graphic, one cell wide.
func isBoxDrawing(r rune) bool { return r >= 0x2500 && r <= 0x257F }

// rawEncode is --raw's encoding: blanks, backslashes and every byte that
// is not printable ASCII become \xNN, so that cells never contain a space.
func rawEncode(s string) string {
	for i := 0; i < len(s); i++ {
		if rawUnsafe(s[i]) {
			var b strings.Builder
			hexEscape(&b, s, rawUnsafe)
			return b.String()
		}
	}
	return s
}

func rawUnsafe(c byte) bool { return c == ' ' || c == '\\' || !isPrintC(c) }

// pairsQuote is --pairs' quoting: the value in double quotes, with " \ `
// $ and every byte that is not printable ASCII as \xNN, so that the line
// is safe for a shell's eval.
func pairsQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	hexEscape(&b, s, pairsUnsafe)
	b.WriteByte('"')
	return b.String()
}

func pairsUnsafe(c byte) bool {
	return c == '"' || c == '\\' || c == '`' || c == '$' || !isPrintC(c)
}

// hexEscape writes s with each byte unsafe names as \xNN.
func hexEscape(b *strings.Builder, s string, unsafe func(byte) bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; unsafe(c) {
			hexByte(b, c)
		} else {
			b.WriteByte(c)
		}
	}
}

// jsonQuote is util-linux's JSON string: " and \ escaped, control bytes as
// \b \t \n \f \r or \u00XX, every other byte as it is.
func jsonQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= 0x20:
			b.WriteByte(c)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\f':
			b.WriteString(`\f`)
		case c == '\r':
			b.WriteString(`\r`)
		default:
			fmt.Fprintf(&b, `\u00%02x`, c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
