package pivot

import (
	"errors"
	"os"
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
	tmpfs := func(t *testing.T, dir string) {
		t.Helper()
		mkdir(t, dir)
		if err := unix.Mount("pivot-test", dir, "tmpfs", 0, "size=1m"); err != nil {
			t.Fatal(err)
		}
	}
	shared := func(t *testing.T, dir string) {
		t.Helper()
		if err := unix.Mount("", dir, "", unix.MS_SHARED, ""); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, d string) Call
		want  Condition
	}{
		{"new_root is no mount point", func(t *testing.T, d string) Call {
			mkdir(t, d+"/n/old")
			return Call{d + "/n", d + "/n/old"}
		}, NewRootNotMountPoint},
		{"put_old lies on new_root's shared mount", func(t *testing.T, d string) Call {
			tmpfs(t, d+"/n")
			shared(t, d+"/n")
			mkdir(t, d+"/n/old")
			return Call{d + "/n", d + "/n/old"}
		}, PutOldMountShared},
		{"put_old is a shared mount", func(t *testing.T, d string) Call {
			tmpfs(t, d+"/n")
			tmpfs(t, d+"/n/old")
			shared(t, d+"/n/old")
			return Call{d + "/n", d + "/n/old"}
		}, PutOldMountShared},
		{"new_root's parent is shared", func(t *testing.T, d string) Call {
			shared(t, d)
			tmpfs(t, d+"/n")
			if err := unix.Mount("", d+"/n", "", unix.MS_PRIVATE, ""); err != nil {
				t.Fatal(err)
			}
			mkdir(t, d+"/n/old")
			return Call{d + "/n", d + "/n/old"}
		}, NewRootParentShared},
		{"put_old is not under new_root", func(t *testing.T, d string) Call {
			tmpfs(t, d+"/n")
			mkdir(t, d+"/o")
			return Call{d + "/n", d + "/o"}
		}, PutOldNotUnderNewRoot},
		{"put_old is not under new_root, relative paths", func(t *testing.T, d string) Call {
			tmpfs(t, d+"/n")
			mkdir(t, d+"/o")
			chdir(t, d+"/n")
			return Call{".", "../o"}
		}, PutOldNotUnderNewRoot},
		{"new_root is the root", func(t *testing.T, d string) Call {
			return Call{"/", d}
		}, NewRootOnRootMount},
		{"put_old is on the root's mount", func(t *testing.T, d string) Call {
			tmpfs(t, d+"/n")
			return Call{d + "/n", "/"}
		}, PutOldOnRootMount},
		{"new_root does not exist", func(t *testing.T, d string) Call {
			return Call{d + "/nope", d + "/nope/old"}
		}, BadPath},
		{"new_root is a file", func(t *testing.T, d string) Call {
			if err := os.WriteFile(d+"/f", nil, 0o644); err != nil {
				t.Fatal(err)
			}
			tmpfs(t, d+"/n")
			return Call{d + "/f", d + "/n"}
		}, BadPath},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			call := c.setup(t, nstest.Tmpfs(t))
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

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
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
