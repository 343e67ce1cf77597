package docgen

import (
	"os"
	"path/filepath"
	"testing"
)

// The committed docs/man and docs/cli must be what `make docs` writes now.
func TestDocsUpToDate(t *testing.T) {
	tmp := t.TempDir()
	if err := Generate(tmp); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"man", "cli"} {
		want := readDir(t, filepath.Join(tmp, sub))
		got := readDir(t, filepath.Join("..", "..", "..", "docs", sub))
		for name, w := range want {
			if g, ok := got[name]; !ok {
				t.Errorf("docs/%s/%s is missing: run `make docs`", sub, name)
			} else if g != w {
				t.Errorf("docs/%s/%s is out of date: run `make docs`", sub, name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("docs/%s/%s is stale (no such command): run `make docs`", sub, name)
			}
		}
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return files
}
