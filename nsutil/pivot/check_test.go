package pivot

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// Each condition is made for real in a tmpfs of the tests' private mount
// namespace; the kernel is the oracle: the call must fail with the errno
// of the first condition Check names. None of these calls can succeed, so
// the tests' root never moves.
func TestCheckNamesTheKernelsCondition(t *testing.T) {
	nstest.RequireRoot(t)
	// setup: steps "VERB PATH" run in order, "; " between; D in a path,
	// and in the call's, is the case's tmpfs.
	cases := []struct {
		name, setup     string
		newRoot, putOld string
		want            Condition
	}{
		{"new_root is no mount point", "mkdir D/n/old", "D/n", "D/n/old", NewRootNotMountPoint},
		{"put_old lies on new_root's shared mount", "tmpfs D/n; shared D/n; mkdir D/n/old", "D/n", "D/n/old", PutOldMountShared},
		{"put_old is a shared mount", "tmpfs D/n; tmpfs D/n/old; shared D/n/old", "D/n", "D/n/old", PutOldMountShared},
		{"new_root's parent is shared", "shared D; tmpfs D/n; private D/n; mkdir D/n/old", "D/n", "D/n/old", NewRootParentShared},
		{"put_old is not under new_root", "tmpfs D/n; mkdir D/o", "D/n", "D/o", PutOldNotUnderNewRoot},
		{"put_old is not under new_root, relative paths", "tmpfs D/n; mkdir D/o; chdir D/n", ".", "../o", PutOldNotUnderNewRoot},
		{"new_root is the root", "", "/", "D", NewRootOnRootMount},
		{"put_old is on the root's mount", "tmpfs D/n", "D/n", "/", PutOldOnRootMount},
		{"new_root does not exist", "", "D/nope", "D/nope/old", BadPath},
		{"new_root is a file", "file D/f; tmpfs D/n", "D/f", "D/n", BadPath},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := nstest.Tmpfs(t)
			at := func(path string) string {
				if rest, ok := strings.CutPrefix(path, "D"); ok {
					return d + rest
				}
				return path
			}
			for _, step := range strings.Split(c.setup, "; ") {
				if step != "" {
					verb, path, _ := strings.Cut(step, " ")
					setupStep(t, verb, at(path))
				}
			}
			call := Call{at(c.newRoot), at(c.putOld)}
			problems, err := Check(call)
			if err != nil {
				t.Fatal(err)
			}
			callErr := call.Do()
			var errno unix.Errno
			if !errors.As(callErr, &errno) {
				t.Fatalf("%s = %v: the case must fail", call, callErr)
			}
			if len(problems) == 0 {
				t.Fatalf("%s = %v, and Check finds nothing", call, errno)
			}
			if p := problems[0]; p.Condition != c.want || p.Errno != errno {
				t.Errorf("%s = %s; Check's first: %d (%s) %s, want condition %d", call, unix.ErrnoName(errno), p.Condition, unix.ErrnoName(p.Errno), p.Why, c.want)
			}
			if problems[0].Fix == "" {
				t.Errorf("%s: no fix", problems[0].Why)
			}
		})
	}
}

// setupStep is one step of a case's setup on path: mkdir (and parents),
// an empty file, a tmpfs mounted (the directory made first), a change
// to shared or private, or a chdir until the test ends.
func setupStep(t *testing.T, verb, path string) {
	t.Helper()
	switch verb {
	case "mkdir":
		nstest.MkdirAll(t, path)
	case "file":
		nstest.EmptyFiles(t, path)
	case "tmpfs":
		nstest.TmpfsAt(t, path, "pivot-test", "size=1m")
	case "shared":
		nstest.Mount(t, "", path, "", unix.MS_SHARED, "")
	case "private":
		nstest.Mount(t, "", path, "", unix.MS_PRIVATE, "")
	case "chdir":
		chdir(t, path)
	default:
		t.Fatalf("unknown setup step %q", verb)
	}
}

// chdir changes the tests' working directory until the test ends.
func chdir(t *testing.T, dir string) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chdir(wd) })
}

func TestUnder(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{{"/n/old", "/n", true}, {"/n", "/n", true}, {"/no", "/n", false}, {"/x", "/", true}, {"", "/", false}} {
		if got := under(c.a, c.b); got != c.want {
			t.Errorf("under(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

// The current root is its namespace's first mount, as in an initramfs: a
// thread of the tests, in a mount namespace of its own, detaches / and
// enters its namespace again; setns(2) puts its root at the namespace's
// root mount, the rootfs (nothing is on top of it any more). A tmpfs
// mounted on one of the rootfs's directories is new_root, proc on another
// lets Check read the table. The thread is never handed back to Go: it
// ends with the test's goroutine, and its namespace with it.
func TestCheckInitramfsRoot(t *testing.T) {
	nstest.RequireRoot(t)
	type result struct {
		problems []Problem
		err      error
		callErr  error
		skip     string
	}
	done := make(chan result)
	go func() {
		runtime.LockOSThread() // and never unlocked: the thread dies with the goroutine
		var r result
		defer func() { done <- r }()
		steps := []func() error{
			func() error { return unix.Unshare(unix.CLONE_FS | unix.CLONE_NEWNS) },
			func() error { return unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, "") },
		}
		for _, s := range steps {
			if r.err = s(); r.err != nil {
				return
			}
		}
		ns, err := unix.Open("/proc/thread-self/ns/mnt", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			r.err = err
			return
		}
		defer unix.Close(ns)
		if r.err = unix.Unmount("/", unix.MNT_DETACH); r.err != nil {
			return
		}
		if r.err = unix.Setns(ns, unix.CLONE_NEWNS); r.err != nil {
			return
		}
		for _, d := range []string{"/root", "/proc"} {
			if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
				r.skip = "the rootfs has no " + d + " to mount on"
				return
			}
		}
		if r.err = unix.Mount("pivot-test", "/root", "tmpfs", 0, "size=1m"); r.err != nil {
			return
		}
		if r.err = unix.Mount("proc", "/proc", "proc", 0, ""); r.err != nil {
			return
		}
		call := Call{"/root", "/root"}
		r.problems, r.err = Check(call)
		r.callErr = call.Do()
	}()
	r := <-done
	switch {
	case r.skip != "":
		t.Skip(r.skip)
	case r.err != nil:
		t.Fatal(r.err)
	case !errors.Is(r.callErr, unix.EINVAL):
		t.Fatalf("pivot_root from the rootfs: %v, want EINVAL", r.callErr)
	case len(r.problems) == 0 || r.problems[0].Condition != RootNotAttached:
		t.Fatalf("Check: %+v, want RootNotAttached first", r.problems)
	}
	t.Logf("%s: %s", r.callErr, r.problems[0].Why)
}
