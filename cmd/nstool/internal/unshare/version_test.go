package unshare_test

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// -V prints util-linux's version line with nstool's name, in both starts.
func TestVersion(t *testing.T) { nsexectest.CheckVersion(t, nstooltest.Binary(t), "unshare") }

// -V acts at its turn, as getopt returns it: the options before it are
// checked first, nothing after it is read (not even --help).
func TestVersionAtItsTurn(t *testing.T) {
	nsexectest.CompareVersionLines(t, "unshare", nsexectest.Tools(t, "unshare"), strings.NewReplacer(), []string{
		"-V --bogus", "-Vx", "-V=1", "-V -h", "--version --help", "-mV true", "-V -- -h", "-V -S x", "-S x -V",
		"--propagation=x -V", "-V --propagation=x", "--kill-child=bogus -V", "-T --monotonic=1 -V", "--monotonic=1 -V", "-r -V",
	})
}
