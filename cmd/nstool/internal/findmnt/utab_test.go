package findmnt_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// privateUtab writes text as /run/mount/utab, which must be the tmpfs
// nstest.Main mounted in the tests' own mount namespace (never the
// host's), and puts back what was there when the test ends.
func privateUtab(t *testing.T, text string) {
	t.Helper()
	const dir, utab = "/run/mount", "/run/mount/utab"
	if m := nstest.TopMount(t, dir); m == nil || m.Target != dir || m.Source != "nstest-run" {
		t.Skipf("%s is not the tests' own tmpfs: not writing its utab", dir)
	}
	old, err := os.ReadFile(utab)
	switch {
	case err == nil:
		t.Cleanup(func() { _ = os.WriteFile(utab, old, 0o644) })
	case os.IsNotExist(err):
		t.Cleanup(func() { _ = os.Remove(utab) })
	default:
		t.Fatal(err)
	}
	if err := os.WriteFile(utab, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMtabUtabAsUtilLinux: -m is the kernel's table with what libmount's
// utab adds: each utab entry, from the last, gives its OPTS= to the last
// mount with its ROOT=, TARGET= and SRC= not given any yet, at the end of
// OPTIONS, with the VFS and FS ones at the end of VFS-OPTIONS and
// FS-OPTIONS; so do -m -F of a mountinfo file, and $LIBMOUNT_UTAB names
// another utab. -k and fstab tables take nothing from it.
func TestMtabUtabAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "findmnt")
	base := nstest.Tmpfs(t)
	a, b, c, sp := filepath.Join(base, "a"), filepath.Join(base, "b"), filepath.Join(base, "c"), filepath.Join(base, "with space")
	nstest.TmpfsAt(t, a, "nstool-a", "size=1m")
	nstest.MkdirAll(t, filepath.Join(a, "sub"), b)
	nstest.Mount(t, filepath.Join(a, "sub"), b, "", 0x1000, "") // MS_BIND
	nstest.TmpfsAt(t, c, "nstool-c", "size=1m")
	nstest.TmpfsAt(t, c, "nstool-c", "size=2m") // stacked: the same source, root and target
	nstest.TmpfsAt(t, sp, "nstool-sp", "size=1m")
	esc := strings.ReplaceAll(sp, " ", `\040`)
	utab := strings.Join([]string{
		"# a comment",
		"",
		"SRC=nstool-a TARGET=" + a + " ROOT=/ OPTS=x-nstool.one,user=root,ro,size=5",
		"SRC=nstool-a TARGET=" + b + " ROOT=/ OPTS=x-nstool.wrong-root",
		"  SRC=nstool-a TARGET=" + b + " ROOT=/sub OPTS=noauto FOO=bar ATTRS=x",
		"SRC=nstool-c TARGET=" + c + " ROOT=/ OPTS=x-nstool.first",
		"SRC=nstool-c TARGET=" + c + "/ ROOT=/ OPTS=x-nstool.second",
		"SRC=nstool-c TARGET=" + c + " ROOT=/ OPTS=x-nstool.third",
		"SRC=nstool-sp TARGET=" + esc + " ROOT=/ ATTRS=nothing",
		"SRC=nstool-sp TARGET=" + esc + " ROOT=/ OPTS=x-nstool.hidden",
		"SRC=LABEL=nstool TARGET=" + a + " ROOT=/ OPTS=x-nstool.tag",
		"TARGET=" + a + " ROOT=/ OPTS=x-nstool.nosrc",
		"SRC=nstool-a SRC=other TARGET=" + a + " ROOT=/ OPTS= OPTS=x-nstool.twice",
	}, "\n") + "\n"
	privateUtab(t, utab)
	other := writeTable(t, "SRC=nstool-a TARGET="+a+" ROOT=/ OPTS=x-nstool.env\n")
	mountinfo, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	copied := writeTable(t, string(mountinfo))
	fstab := writeTable(t, "nstool-a "+a+" tmpfs rw 0 0\n")
	cols := "TARGET,SOURCE,FSROOT,OPTIONS,VFS-OPTIONS,FS-OPTIONS"
	for _, args := range [][]string{
		{"-m", "-l", "-o", cols}, {"-m", "-J", "-o", cols, "-R", base}, {"-m", "-o", cols, "-R", base},
		{"-m", "-l", "-O", "x-nstool.one"}, {"-m", "-l", "-O", "user=root"}, {"-m", "-l", "-O", "x-nstool.third", "-o", cols},
		{"-m", "-l", "-o", cols, "-F", "/proc/self/mountinfo"}, {"-m", "-l", "-o", cols, "-F", copied},
		{"-m", "-l", "-o", cols, "-F", copied, "-F", copied}, {"-m", "-l", "-o", cols, "-F", fstab},
		{"-k", "-l", "-o", cols, "-R", base}, {"-l", "-o", cols, "-R", base}, {"-m", "-x", "--verbose", "-T", a},
	} {
		nsexectest.Compare(t, "findmnt", tools, nsexectest.Options{}, args...)
	}
	env := nsexectest.Options{Env: []string{"LIBMOUNT_UTAB=" + other}}
	nsexectest.Compare(t, "findmnt", tools, env, "-m", "-l", "-o", cols, "-T", a)
	env.Env[0] = "LIBMOUNT_UTAB=" + filepath.Join(base, "none")
	nsexectest.Compare(t, "findmnt", tools, env, "-m", "-l", "-o", cols, "-T", a)
	// and it did merge: the last entry for the stacked mounts went to the top one
	r := nsexectest.Compare(t, "findmnt", tools, nsexectest.Options{}, "-m", "-l", "-n", "-o", "OPTIONS", c)
	if !strings.Contains(r.Stdout, "x-nstool.third") || !strings.Contains(r.Stdout, "x-nstool.second") {
		t.Errorf("findmnt -m %s:\n%s", c, r.Stdout)
	}
}
