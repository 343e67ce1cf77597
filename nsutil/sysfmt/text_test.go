package sysfmt

import (
	"os/exec"
	"testing"
)

// sh is the oracle: each word, quoted, reads back as itself, and a word
// with nothing to quote is left as it is.
func TestShellQuoteAsShReadsIt(t *testing.T) {
	for _, s := range []string{"/lab/a", "a b", "it's", "", "$HOME", "a;b", "*", "~x", "x@y:1,2+3=4", "new\nline", `back\slash`, "'"} {
		q := ShellQuote(s)
		out, err := exec.Command("sh", "-c", "printf %s "+q).Output()
		if err != nil || string(out) != s {
			t.Errorf("ShellQuote(%q) = %s: sh reads %q (%v)", s, q, out, err)
		}
	}
	if q := ShellQuote("/lab/x@y_1.2-3"); q != "/lab/x@y_1.2-3" {
		t.Errorf("a plain word quoted: %s", q)
	}
}
