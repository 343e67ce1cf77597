package scols

import (
	"fmt"
	"strings"
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
		default:
			if w := wcwidth(r); w >= 0 {
				b.WriteString(s[i : i+n])
				width += w
			} else { // !iswprint: every byte as \xNN
				for k := 0; k < n; k++ {
					hexByte(&b, s[i+k])
					width += 4
				}
			}
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

// runeWidth is the display width of a character of encoded text, which
// holds only printable characters: wcwidth(3). ASCII counts 1, as before
// encoding; a character that is not printable (which no encoded text
// holds) counts 0, as util-linux's mbs_nwidth counts it.
func runeWidth(r rune) int {
	if r < 0x300 || isBoxDrawing(r) {
		return 1 // ASCII, Latin-1 and the IPA: one cell (C1 controls are escaped)
	}
	if w := wcwidth(r); w > 0 {
		return w
	}
	return 0
}

//go:generate go run wcwidth_gen.go

// wcwidth is glibc 2.36's wcwidth(3) in its C.UTF-8 locale, which decides
// iswprint(3) too (printable is wcwidth >= 0), as libsmartcols asks them:
// the runs of wcRuns (wcwidth_table.go, made by wcwidth_gen.go from
// glibc's locale sources, Unicode 14.0). That is -1 for what iswprint
// rejects: controls, surrogates, noncharacters, U+2028 and U+2029, and
// code points unassigned in Unicode 14.0 (those Unicode 15.0 added too,
// which Go's unicode package has); 0 for combining marks (Mn, Me), format
// characters (Cf: U+200B, U+202E, U+2066..., but the soft hyphen and the
// prepended concatenation marks U+0600..U+0605, U+06DD, U+070F, U+0890,
// U+0891, U+08E2, U+110BD, U+110CD count 1) and Hangul medial and final
// jamo (U+1160..U+11FF, U+D7B0..U+D7FB); 2 for East Asian Wide and
// Fullwidth characters (emoji of emoji presentation among them); else 1,
// private use characters too.
func wcwidth(r rune) int {
	if r < 0x7F {
		if r < 0x20 {
			return -1
		}
		return 1
	}
	if r > 0x10FFFF {
		return -1
	}
	// the last run that starts at or before r
	key := uint32(r)<<8 | 0xFF
	lo, hi := 0, len(wcRuns)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if wcRuns[m] <= key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return int(wcRuns[lo-1]&0xFF) - 1
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
