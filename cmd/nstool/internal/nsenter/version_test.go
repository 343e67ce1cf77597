package nsenter_test

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// -V prints util-linux's version line with nstool's name, in both starts.
func TestVersion(t *testing.T) { nsexectest.CheckVersion(t, nstooltest.Binary(t), "nsenter") }

// -V and -h act at their turn, as getopt returns them: the options before
// them are checked first, nothing after them is read.
func TestVersionAtItsTurn(t *testing.T) {
	nsexectest.CompareVersionLines(t, "nsenter", nsexectest.Tools(t, "nsenter"), strings.NewReplacer(), []string{
		"-V --bogus", "-Vx", "-V -h", "-t x -V", "-V -t x", "-S x -V", "-V -S x", "-G -1 -V", "-m -V", "-a -V",
		"-t x -h", "-h -t x", "-S x -S 0 -h", "-h -V", "--help --bogus", "-W /tmp -w -h",
	})
}
