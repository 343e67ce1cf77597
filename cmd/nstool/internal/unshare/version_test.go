package unshare_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// -V (and a prefix of --version) prints util-linux's version line with
// nstool's name and exits 0, in both starts (the early start leaves -V to
// the ordinary one).
func TestVersion(t *testing.T) {
	bin := nstooltest.Binary(t)
	for _, env := range []string{"NSTOOL_EARLY=", "NSTOOL_EARLY=off"} {
		for _, arg := range []string{"-V", "--version", "--vers"} {
			cmd := exec.Command(bin, "unshare", arg)
			cmd.Env = append(os.Environ(), env)
			out, err := cmd.Output()
			if err != nil || !strings.HasPrefix(string(out), "unshare from nstool ") || strings.Count(string(out), "\n") != 1 {
				t.Errorf("%s unshare %s: %v, %q", env, arg, err, out)
			}
		}
	}
}
