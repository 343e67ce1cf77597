package unshare_test

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// -V prints util-linux's version line with nstool's name, in both starts.
func TestVersion(t *testing.T) { nsexectest.CheckVersion(t, nstooltest.Binary(t), "unshare") }

// -V and -h act at their turn, as getopt returns them: the options before
// them are checked first, nothing after them is read.
func TestVersionAtItsTurn(t *testing.T) {
	nsexectest.CompareVersionLines(t, "unshare", nsexectest.Tools(t, "unshare"), strings.NewReplacer(), []string{
		"-V --bogus", "-Vx", "-V=1", "-V -h", "--version --help", "-mV true", "-V -- -h", "-V -S x", "-S x -V",
		"--propagation=x -V", "-V --propagation=x", "--kill-child=bogus -V", "-T --monotonic=1 -V", "--monotonic=1 -V", "-r -V",
		"-S x -h", "-h -S x", "--propagation=y --help", "-m -h", "-h -V", "-V -h", "--he --bogus", "--kill-child=x -h",
	})
}
