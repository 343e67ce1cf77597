package findmnt

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The kernel-shaped shortcut of mergeOptions gives what libmount's step by
// step merge gives, on generated lists of options that mix rw, ro, values,
// quotes and empty lists.
func TestMergeOptionsShortcut(t *testing.T) {
	words := []string{"rw", "ro", "relatime", "nosuid", "rw=1", "ro=x", "rwx", "row", "size=1024k", `a="b,rw"`, "mode=755", ""}
	rng := rand.New(rand.NewPCG(1, 2))
	list := func() string {
		n := rng.IntN(4)
		var w []string
		if rng.IntN(2) == 0 { // as the kernel writes them
			w = append(w, words[rng.IntN(2)])
		}
		for i := 0; i < n; i++ {
			w = append(w, words[rng.IntN(len(words))])
		}
		return strings.Join(w, ",")
	}
	shortcuts := 0
	for i := 0; i < 20000; i++ {
		vfs, fs := list(), list()
		if vfs == fs {
			continue
		}
		want := mergeOptionsSlow(vfs, fs)
		if got, ok := mergeKernelOptions(vfs, fs); ok {
			shortcuts++
			if got != want {
				t.Fatalf("merge %q %q: shortcut %q, libmount's way %q", vfs, fs, got, want)
			}
		}
		if got := mergeOptions(vfs, fs); got != want {
			t.Fatalf("mergeOptions(%q, %q) = %q, want %q", vfs, fs, got, want)
		}
	}
	if shortcuts < 1000 {
		t.Errorf("only %d of the generated pairs took the shortcut", shortcuts)
	}
}
