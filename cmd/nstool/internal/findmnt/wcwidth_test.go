package findmnt_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
)

// TestWcwidthAsUtilLinux is the oracle for scols' printability and widths
// (glibc's iswprint and wcwidth in C.UTF-8, which libsmartcols asks): a
// mountinfo table with one target per code point, "/XXXX_c_", listed by
// util-linux's findmnt -l -o TARGET,ID and by nstool's. A character glibc
// calls unprintable comes out as \xNN bytes, and every other pads the
// column by its width, so the bytes must agree.
//
// By default the sample is a few thousand code points: both sides of every
// range of Go's Unicode categories (which the classes of glibc's Unicode
// 14 follow, and where Unicode 15 added characters glibc does not have), a
// stride over every plane in use, and the characters that once differed.
// NSTOOL_WCWIDTH_ALL=1 compares every code point but the surrogates, a
// plane a table.
func TestWcwidthAsUtilLinux(t *testing.T) {
	tools := nsexectest.Tools(t, "findmnt")
	if os.Getenv("NSTOOL_WCWIDTH_ALL") != "" {
		total := 0
		for plane := rune(0); plane <= 0x10; plane++ {
			var rs []rune
			for r := plane << 16; r <= plane<<16|0xFFFF; r++ {
				rs = append(rs, r)
			}
			total += compareTargets(t, tools, fmt.Sprintf("plane %d", plane), rs)
		}
		t.Logf("%d code points compared", total)
		return
	}
	n := compareTargets(t, tools, "sample", wcwidthSample())
	t.Logf("%d code points compared", n)
}

// wcwidthSample is the default run's code points.
func wcwidthSample() []rune {
	set := map[rune]bool{}
	for name, tab := range unicode.Categories {
		if len(name) != 2 {
			continue
		}
		for _, r := range tab.R16 {
			for _, x := range []rune{rune(r.Lo) - 1, rune(r.Lo), rune(r.Hi), rune(r.Hi) + 1} {
				set[x] = true
			}
		}
		for _, r := range tab.R32 {
			for _, x := range []rune{rune(r.Lo) - 1, rune(r.Lo), rune(r.Hi), rune(r.Hi) + 1} {
				set[x] = true
			}
		}
	}
	// a stride over the planes in use: the BMP, SMP, SIP, TIP, SSP and
	// the private use planes
	for _, p := range [][2]rune{{0, 0x3FFFF}, {0xE0000, 0x10FFFF}} {
		for r := p[0]; r <= p[1]; r += 211 {
			set[r] = true
		}
	}
	for _, r := range []rune{
		// format characters glibc prints, 0 cells (Go: not graphic)
		0x00AD, 0x0600, 0x0603, 0x061C, 0x06DD, 0x070F, 0x08E2, 0x180E,
		0x200B, 0x200E, 0x202A, 0x202E, 0x2060, 0x2066, 0x2069, 0xFEFF,
		0xFFF9, 0xFFFB, 0x110BD, 0x13430, 0xE0001, 0xE0020, 0xE007F,
		// not printable: line and paragraph separators, C1, noncharacters
		0x0085, 0x2028, 0x2029, 0xFDD0, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFF,
		// private use: printable, 1 cell
		0xE000, 0xF8FF, 0xF0000, 0xFFFFD, 0x100000, 0x10FFFD,
		// Hangul jamo: initial 2 cells, medial and final 0
		0x1100, 0x115F, 0x1160, 0x11A7, 0x11A8, 0x11FF, 0xA960, 0xA97C,
		0xD7B0, 0xD7C6, 0xD7CB, 0xD7FB, 0xAC00, 0xD7A3,
		// emoji and symbols of emoji presentation: 2 cells, or 1
		0x231A, 0x23F0, 0x2614, 0x264E, 0x26AA, 0x26BE, 0x26CE, 0x270B,
		0x2B50, 0x1F004, 0x1F0CF, 0x1F18E, 0x1F192, 0x1F201, 0x1F21A,
		0x1F300, 0x1F320, 0x1F321, 0x1F32D, 0x1F6FC, 0x1F90C, 0x1FAF8,
		0x3000, 0x303F, 0xFF01, 0xFF61, 0xFFE0, 0xFFE8,
		// new in Unicode 15.0, which glibc 2.36 (Unicode 14.0) lacks
		0x0CF3, 0x0ECE, 0x10EFD, 0x11B00, 0x11F00, 0x1342F, 0x1D2C0,
		0x1E030, 0x1E4D0, 0x1F6DC, 0x1FA75, 0x1FAE8, 0x2B739, 0x31350,
		// combining marks
		0x0300, 0x0483, 0x0488, 0x0591, 0x20DD, 0x302A, 0x3099, 0xFE00,
		0xFE20, 0x1D167, 0xE0100, 0xE01EF,
	} {
		set[r] = true
	}
	var rs []rune
	for r := range set {
		if r >= 0 && r <= unicode.MaxRune {
			rs = append(rs, r)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	return rs
}

// compareTargets writes one mount a code point (but NUL and surrogates,
// which no UTF-8 name holds), runs both findmnts on the table and reports
// the lines that differ; it returns how many code points it compared.
func compareTargets(t *testing.T, tools []nsexectest.Tool, what string, rs []rune) int {
	t.Helper()
	var b strings.Builder
	var cps []rune
	for _, r := range rs {
		if r == 0 || (r >= 0xD800 && r <= 0xDFFF) {
			continue
		}
		cps = append(cps, r)
		fmt.Fprintf(&b, "%d 1 0:1 / %s rw - tmpfs none rw\n", len(cps)+1, mangle(fmt.Sprintf("/%04X_%c_", r, r)))
	}
	file := filepath.Join(t.TempDir(), "mountinfo")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o := nsexectest.Options{Env: []string{"LANG=C.UTF-8", "LC_ALL=", "LC_CTYPE="}}
	args := []string{"-F", file, "-l", "-o", "TARGET,ID"}
	ul := tools[0].Run(t, o, args...)
	ns := tools[1].Run(t, o, args...)
	ns.Stderr = nsexectest.NormStderr("findmnt", ns.Stderr)
	if ul.Code != ns.Code || ul.Stderr != ns.Stderr {
		t.Errorf("%s: util-linux exit %d, stderr %q; nstool exit %d, stderr %q", what, ul.Code, ul.Stderr, ns.Code, ns.Stderr)
	}
	ulLines := strings.Split(ul.Stdout, "\n")
	nsLines := strings.Split(ns.Stdout, "\n")
	if len(ulLines) != len(nsLines) {
		t.Errorf("%s: util-linux printed %d lines, nstool %d", what, len(ulLines), len(nsLines))
	}
	if len(ulLines) > 1 && len(nsLines) > 1 && ulLines[0] != nsLines[0] {
		t.Errorf("%s: header\nutil-linux %q\nnstool     %q", what, ulLines[0], nsLines[0])
	}
	bad := 0
	for i := 1; i < len(ulLines) && i < len(nsLines); i++ {
		if ulLines[i] == nsLines[i] {
			continue
		}
		if bad++; bad <= 20 {
			cp := "?"
			if i-1 < len(cps) {
				cp = fmt.Sprintf("%U", cps[i-1])
			}
			t.Errorf("%s: %s\nutil-linux %q\nnstool     %q", what, cp, ulLines[i], nsLines[i])
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d code points differ", what, bad, len(cps))
	}
	return len(cps)
}

// mangle escapes a mountinfo field as the kernel does: space, tab,
// newline and backslash in octal.
func mangle(s string) string {
	return strings.NewReplacer(" ", `\040`, "\t", `\011`, "\n", `\012`, "\\", `\134`).Replace(s)
}
