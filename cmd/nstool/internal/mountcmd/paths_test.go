package mountcmd

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCanonical(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p        string
		noCanon  bool
		want     string
		resolved bool
	}{
		{link, false, dir, true},
		{link, true, link, true},
		{"", false, "", false},
		{"", true, "", false},
		{dir + "/nope", false, dir + "/nope", false},
	} {
		got, ok := Canonical(c.p, c.noCanon)
		if got != c.want || ok != c.resolved {
			t.Errorf("Canonical(%q, %v) = %q, %v; want %q, %v", c.p, c.noCanon, got, ok, c.want, c.resolved)
		}
	}
}
