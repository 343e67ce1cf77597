package findmnt_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nstool/nstool/nsutil/nstest"
)

// sameAsUtilLinux runs findmnt ARGS with util-linux and nstool (C locale)
// and reports any difference in output, messages or exit status.
func sameAsUtilLinux(t *testing.T, args ...string) {
	t.Helper()
	ul := runUtilLinux(t, "C", args)
	ns := runNstool(t, "C", args)
	if ul.String() != ns.String() {
		t.Errorf("findmnt %q\n--- nstool\n%s--- util-linux\n%s", args, ns, ul)
	}
}

// TestTargetMountpointAsUtilLinux: -T PATH that is no mount point is the
// mount that holds it, found as libmount's mnt_table_find_mountpoint finds
// it: nothing when PATH does not exist, else PATH cut at its last slash
// as text until a mount is on it (with -C, "a/../b" is tried as "a/.."
// and then "a"), a relative PATH also from the working directory.
func TestTargetMountpointAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireCommands(t, "findmnt")
	base := nstest.Tmpfs(t)
	nstest.TmpfsAt(t, filepath.Join(base, "a"), "nstool-a", "size=1m")
	nstest.TmpfsAt(t, filepath.Join(base, "b"), "nstool-b", "size=1m")
	nstest.MkdirAll(t, filepath.Join(base, "a/in"), filepath.Join(base, "b/in"), filepath.Join(base, "plain"))
	t.Chdir(base)
	rel := strings.TrimPrefix(base, "/")
	for _, p := range []string{
		base + "/a/../b", base + "/a/../b/in", base + "/a/in/../../b", base + "/a/in/..", base + "/nonexist",
		base + "/a/nonexist", base + "/plain", base + "//a//in/", "a/../b", "a/in", "./b/in", ".", "./", "plain",
		"../" + filepath.Base(base) + "/a/../b", "/nonexist", "/", rel + "/a/../b",
	} {
		for _, c := range [][]string{{"-C"}, nil} {
			args := append(append([]string{"-l", "-o", "TARGET,SOURCE"}, c...), "-T", p)
			t.Run(strings.Join(args, " "), func(t *testing.T) { sameAsUtilLinux(t, args...) })
		}
	}
}
