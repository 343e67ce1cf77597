package umount

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/version"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

func mountsUnder(t *testing.T, dir string) []string {
	t.Helper()
	mounts, err := mountinfo.Read(0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range mounts {
		if strings.HasPrefix(m.Target, dir+"/") {
			out = append(out, strings.TrimPrefix(m.Target, dir))
		}
	}
	return out
}

// umount -R, in-process: nested submounts all go, and --explain names each
// umount2(2) call, deepest first, in mount order. (With a mount stacked on
// TARGET, util-linux and nstool take only the top one: the others are
// its lower mount's children; the differential tests cover that.)
func TestRecursiveInProcess(t *testing.T) {
	base := nstest.Tmpfs(t)
	a := filepath.Join(base, "a")
	nstest.TmpfsAt(t, a, "t", "")
	nstest.TmpfsAt(t, filepath.Join(a, "x"), "t", "")
	nstest.TmpfsAt(t, filepath.Join(a, "x", "y"), "t", "")
	nstest.TmpfsAt(t, filepath.Join(a, "z"), "t", "")
	before, err := mountinfo.Read(0)
	if err != nil {
		t.Fatal(err)
	}
	// Siblings go in mount-ID order; the kernel reuses IDs, so the order
	// comes from this run's table: z may have a lower ID than x.
	id := func(target string) int {
		for _, m := range before {
			if m.Target == target {
				return m.ID
			}
		}
		t.Fatalf("%s not mounted", target)
		return 0
	}
	want := []string{`/a/x/y",`, `/a/x",`, `/a/z",`, `/a",`}
	if id(filepath.Join(a, "z")) < id(filepath.Join(a, "x")) {
		want = []string{`/a/z",`, `/a/x/y",`, `/a/x",`, `/a",`}
	}
	ios, _, _, errOut := cli.Test()
	if err := cli.Execute(NewCmd(ios), "--explain", "-R", a); err != nil {
		t.Fatalf("umount -R: %v\n%s", err, errOut)
	}
	if left := mountsUnder(t, base); len(left) != 0 {
		t.Errorf("left mounted: %v", left)
	}
	var calls []string
	for _, l := range strings.Split(errOut.String(), "\n") {
		if strings.HasPrefix(l, "umount2(") {
			calls = append(calls, strings.TrimPrefix(strings.Fields(l)[0], "umount2(\""+base))
		}
	}
	if strings.Join(calls, " ") != strings.Join(want, " ") {
		t.Errorf("order of calls: %v, want %v\n%s", calls, want, errOut)
	}
}

func TestBadUsageAndNotMounted(t *testing.T) {
	base := nstest.Tmpfs(t)
	ios, _, _, errOut := cli.Test()
	if err := cli.Execute(NewCmd(ios)); cli.ExitCode(err) != 1 {
		t.Errorf("no target: %v", err)
	}
	err := cli.Execute(NewCmd(ios), base+"/nope", base)
	if cli.ExitCode(err) != 32 {
		t.Errorf("one of two failing: exit %d, want 32", cli.ExitCode(err))
	}
	if !strings.Contains(errOut.String(), "nstool umount: "+base+"/nope: no mount point specified.\n") {
		t.Errorf("stderr: %q", errOut)
	}
}

// -V names nstool in util-linux's shape, and does nothing else: no
// target is needed (umount -V alone is no "bad usage").
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"-V"}, {"--version"}, {"-V", "/nonexistent"}} {
		ios, _, out, errOut := cli.Test()
		if err := cli.Execute(NewCmd(ios), args...); err != nil || out.String() != "umount from nstool "+version.Version+"\n" || errOut.Len() != 0 {
			t.Errorf("%q: %v, stdout %q, stderr %q", args, err, out, errOut)
		}
	}
}

// --explain on util-linux's quick path (an absolute directory, no table
// read for the unmount) still reports what went away, and only that.
func TestExplainQuickPath(t *testing.T) {
	base := nstest.Tmpfs(t)
	a := filepath.Join(base, "a")
	nstest.TmpfsAt(t, a, "t", "")
	ios, _, _, errOut := cli.Test()
	if err := cli.Execute(NewCmd(ios), "--explain", a); err != nil {
		t.Fatalf("umount: %v\n%s", err, errOut)
	}
	want := "umount2(\"" + a + "\", 0) = 0\n  " + a + "  private → (unmounted)\n  rule: the parent mount is not shared: only this mount goes (sharedsubtree.rst 5f)\n"
	if errOut.String() != want {
		t.Errorf("--explain:\n%s\nwant:\n%s", errOut, want)
	}
}
