package findmnt_test

import (
	"path/filepath"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// --shadowed finds an over-mounted mount in every output form, as in
// util-linux (a list or a search needs the parent index as the tree does).
func TestShadowedAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "findmnt")
	base := liveTree(t)
	private := filepath.Join(base, "private")
	for _, args := range [][]string{
		{"--shadowed", "-o", "TARGET,SOURCE"}, {"--shadowed", "-l", "-o", "TARGET,SOURCE"}, {"--shadowed", "-n", "-o", "TARGET,SOURCE", private},
		{"--shadowed", "-J", "-T", private}, {"--shadowed", "-x", "-k"},
	} {
		r := nsexectest.Compare(t, "findmnt", tools, privateBlkid(t), args...)
		if args[1] != "-x" && r.Code != 0 {
			t.Errorf("%q found nothing: %+v", args, r)
		}
	}
}
