package scols

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// wcwidth is glibc's: a few of each class (findmnt's
// TestWcwidthAsUtilLinux compares them all with util-linux).
func TestWcwidth(t *testing.T) {
	for _, tc := range []struct {
		r rune
		w int
	}{
		{0x01, -1}, {' ', 1}, {'~', 1}, {0x7F, -1}, {0x85, -1}, {0x9F, -1}, {0xA0, 1}, {0xAD, 1},
		{0x300, 0}, {0x378, -1}, {0x483, 0}, {0x488, 0},
		// format characters: printable, 0 cells
		{0x200B, 0}, {0x202E, 0}, {0x2066, 0}, {0x0603, 1}, {0x08E2, 1}, {0xFEFF, 0}, {0xE0001, 0},
		{0x2028, -1}, {0x2029, -1},
		// private use: printable, 1 cell; noncharacters are not
		{0xE000, 1}, {0xF8FF, 1}, {0xF0000, 1}, {0x10FFFD, 1}, {0xFFFE, -1}, {0x10FFFF, -1},
		{0xD800, -1}, {0x110000, -1}, {-1, -1},
		// Hangul: initial jamo and syllables 2, medial and final jamo 0
		{0x1100, 2}, {0x115F, 2}, {0x1160, 0}, {0x11FF, 0}, {0xAC00, 2}, {0xD7A3, 2},
		{0xD7B0, 0}, {0xD7FB, 0}, {0xD7FC, -1},
		// emoji presentation 2, text presentation 1
		{0x264E, 2}, {0x26BE, 2}, {0x270B, 2}, {0x1F0CF, 2}, {0x1F192, 2}, {0x1F201, 2},
		{0x1F321, 1}, {0x1F300, 2}, {0x2500, 1}, {0x257F, 1},
		{0x3000, 2}, {0x4E00, 2}, {0xFF01, 2}, {0xFF61, 1}, {0x20000, 2}, {0x3134A, 2},
		// Unicode 15.0's, which glibc 2.36 (Unicode 14.0) has not
		{0x0CF3, -1}, {0x1FA75, -1}, {0x31350, -1},
	} {
		if got := wcwidth(tc.r); got != tc.w {
			t.Errorf("wcwidth(%U) = %d, want %d", tc.r, got, tc.w)
		}
	}
	for r := rune(0x20); r < 0x7F; r++ {
		if wcwidth(r) != 1 || runeWidth(r) != 1 {
			t.Fatalf("%q: wcwidth %d, runeWidth %d", r, wcwidth(r), runeWidth(r))
		}
	}
	// runeWidth's and safeEncode's shortcuts agree with the table
	for r := rune(0xA0); r < 0x300; r++ {
		if wcwidth(r) != 1 {
			t.Errorf("wcwidth(%U) = %d, runeWidth's shortcut says 1", r, wcwidth(r))
		}
	}
	for r := rune(0x2500); r <= 0x257F; r++ {
		if wcwidth(r) != 1 {
			t.Errorf("wcwidth(%U) = %d, isBoxDrawing's shortcut says 1", r, wcwidth(r))
		}
	}
}

// wcRuns starts at U+0000 and ascends, each entry a class of 0 to 3.
func TestWcRuns(t *testing.T) {
	if wcRuns[0] != 0 {
		t.Errorf("first run %#x, want U+0000 not printable", wcRuns[0])
	}
	for i, e := range wcRuns {
		if e&0xFF > 3 || e>>8 > 0x10FFFF {
			t.Errorf("run %d: %#x", i, e)
		}
		if i > 0 && (e>>8 <= wcRuns[i-1]>>8 || e&0xFF == wcRuns[i-1]&0xFF) {
			t.Errorf("run %d: %#x after %#x", i, e, wcRuns[i-1])
		}
	}
}

// wcwidth_table.go is what wcwidth_gen.go makes of this machine's glibc
// locale sources (when they are installed).
func TestWcwidthTableGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	for _, f := range []string{"/usr/share/i18n/charmaps/UTF-8.gz", "/usr/share/i18n/locales/i18n_ctype"} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("glibc's locale sources: %v", err)
		}
	}
	if out, err := exec.Command("sh", "-c", "ldd --version | head -1").Output(); err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), " 2.36") {
		t.Skipf("not glibc 2.36: %q", out)
	}
	out := filepath.Join(t.TempDir(), "table.go")
	cmd := exec.Command("go", "run", "wcwidth_gen.go", "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run wcwidth_gen.go: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("wcwidth_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("wcwidth_table.go is not what wcwidth_gen.go makes: run go generate")
	}
}

// benchEncode is safeEncode on a column of n cells like s.
func benchEncode(b *testing.B, s string) {
	b.SetBytes(int64(len(s)))
	for i := 0; i < b.N; i++ {
		safeEncode(s, true)
	}
}

// BenchmarkSafeEncodeASCII is findmnt's common case: printable ASCII.
func BenchmarkSafeEncodeASCII(b *testing.B) {
	benchEncode(b, "/sys/fs/cgroup/system.slice/systemd-journald.service")
}

// BenchmarkSafeEncodeTree is a tree line: box-drawing art, then ASCII.
func BenchmarkSafeEncodeTree(b *testing.B) {
	benchEncode(b, "│ │ └─/sys/fs/cgroup/system.slice")
}

// BenchmarkSafeEncodeMixed is text of many scripts and widths.
func BenchmarkSafeEncodeMixed(b *testing.B) {
	benchEncode(b, "/mnt/Ünïcødé/日本語/한국어/Ελληνικά/emoji☕🙂/a\u0301b\u200b")
}

// BenchmarkTextWidth is the width of encoded non-ASCII text.
func BenchmarkTextWidth(b *testing.B) {
	s := strings.Repeat("/mnt/Ünïcødé/日本語/한국어", 4)
	b.SetBytes(int64(len(s)))
	for i := 0; i < b.N; i++ {
		textWidth(s)
	}
}
