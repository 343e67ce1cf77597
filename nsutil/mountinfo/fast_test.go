package mountinfo

import (
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

// The fast paths of every line say what the general functions they stand
// for say, on generated words: Fields against strings.FieldsFunc at
// blanks and Unescape, nextWord against strings.Fields (on ASCII), positive
// against strconv.Atoi.
func TestFastPathsAgreeWithTheLibrary(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []string{"a", "7", " ", "\t", "\\", "\\040", "\\011", ":", "+", "-", "0", "\v", "\u00a0", "\x85", "\xff", "shared", "master"}
	word := func() string {
		var b strings.Builder
		for n := rng.Intn(12); n > 0; n-- {
			b.WriteString(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	for i := 0; i < 20000; i++ {
		s := word()

		var got, want []string
		f := NewFields(s)
		for f.SkipBlanks(); !f.Empty(); f.SkipBlanks() {
			got = append(got, f.Next())
		}
		for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' }) {
			want = append(want, Unescape(w))
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("Fields(%q) = %q, want %q", s, got, want)
		}

		if isASCII(s) {
			got = got[:0]
			for w, rest := nextWord(s); w != ""; w, rest = nextWord(rest) {
				got = append(got, w)
			}
			if want := strings.Fields(s); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("nextWord on %q: %q, want %q", s, got, want)
			}
		}

		n, ok := positive(s)
		a, err := strconv.Atoi(s)
		if wantOK := err == nil && a > 0; ok != wantOK || ok && n != a {
			t.Fatalf("positive(%q) = %d, %v; Atoi: %d, %v", s, n, ok, a, err)
		}
	}
	for _, s := range []string{"1", "+1", "0", "-1", "99999999999999999", "999999999999999999999", "12a"} {
		n, ok := positive(s)
		a, err := strconv.Atoi(s)
		if ok != (err == nil && a > 0) || ok && n != a {
			t.Errorf("positive(%q) = %d, %v; Atoi: %d, %v", s, n, ok, a, err)
		}
	}
}
