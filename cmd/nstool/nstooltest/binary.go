// Package nstooltest is the nstool command for tests that run it as a
// separate process (re-exec stages, signals, terminals, util-linux side by
// side): Binary builds it, or takes the one `make test` built.
package nstooltest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/nstool/nstool/nsutil/nstest"
)

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// RootBinary is Binary for a test that needs root: it skips the test
// without root, and records it among those a run without root did not
// cover (nstest.RequireRoot).
func RootBinary(t testing.TB) string {
	t.Helper()
	nstest.RequireRoot(t)
	return Binary(t)
}

// Binary returns the path of an nstool binary for tests that must run it as
// a separate process (re-exec stages, signals, TTYs): $NSTOOL_BIN when set
// (`make test` sets it to the binary it just built), else one built once per
// test process from this module's source, in a temporary directory removed
// when the package's tests end (the package's TestMain must be nstest.Main),
// or else by the next build, when the test process was killed first.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("NSTOOL_BIN"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	buildOnce.Do(func() {
		var gomod []byte
		gomod, buildErr = exec.Command("go", "env", "GOMOD").Output()
		if buildErr != nil {
			return
		}
		removeAbandoned()
		dir, err := os.MkdirTemp("", buildPrefix)
		if err != nil {
			buildErr = err
			return
		}
		if err := holdWhileAlive(dir); err != nil {
			os.RemoveAll(dir)
			buildErr = err
			return
		}
		if !nstest.AtExit(func() { os.RemoveAll(dir) }) {
			os.RemoveAll(dir)
			buildErr = errors.New("nstooltest.Binary removes its build when the tests end, by nstest.Main: " +
				"add `func TestMain(m *testing.M) { nstest.Main(m) }` to the package's tests, or set NSTOOL_BIN")
			return
		}
		buildPath = filepath.Join(dir, "nstool")
		// As the Makefile builds it: with nstool's own entry point where
		// cmd/nstool/internal/early has it (linux/amd64 and the Go release
		// it was verified on: the package's build constraint is the gate).
		root := filepath.Dir(strings.TrimSpace(string(gomod)))
		args := []string{"build", "-buildvcs=false", "-o", buildPath}
		list := exec.Command("go", "list", "-f", "{{.SFiles}}", "./cmd/nstool/internal/early")
		list.Dir = root
		if out, err := list.Output(); err == nil && strings.Contains(string(out), "entry_") {
			args = append(args, "-ldflags", "-E github.com/nstool/nstool/cmd/nstool/internal/early.entry")
		}
		cmd := exec.Command("go", append(args, "./cmd/nstool")...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = &buildFailure{err: err, out: string(out)}
		}
	})
	if buildErr != nil {
		t.Fatalf("building nstool: %v", buildErr)
	}
	return buildPath
}

// buildPrefix names Binary's build directories in the temporary directory.
const buildPrefix = "nstool-test-bin-"

// aliveName is the file in a build directory that its test process holds
// locked (flock(2)) for as long as it lives: the kernel drops the lock when
// the process is gone, however it ended (even by SIGKILL).
const aliveName = "alive.lock"

var aliveLock *os.File // open, and locked, until the process exits

func holdWhileAlive(dir string) error {
	tmp := filepath.Join(dir, aliveName+".new")
	f, err := os.Create(tmp)
	if err == nil {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
	}
	if err == nil {
		// Named only once locked: removeAbandoned never finds it unlocked
		// while its process lives.
		err = os.Rename(tmp, filepath.Join(dir, aliveName))
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		return err
	}
	aliveLock = f
	return nil
}

// removeAbandoned removes the build directories that test processes left
// when they ended before nstest.Main could remove them (interrupted,
// killed, timed out): those whose lock nobody holds any more. Others' (a
// live process's, another user's, one without a lock) stay.
func removeAbandoned() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), buildPrefix+"*"))
	for _, dir := range dirs {
		f, err := os.Open(filepath.Join(dir, aliveName))
		if err != nil {
			continue
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			os.RemoveAll(dir)
		}
		f.Close()
	}
}

type buildFailure struct {
	err error
	out string
}

func (b *buildFailure) Error() string { return b.err.Error() + "\n" + b.out }

// BinaryForNobody returns a copy of Binary that any user (nobody, UID 65534,
// say) can run, in a new directory that any user can read and enter (Binary's
// own and t.TempDir are private to the test's user); the directory is
// removed in t.Cleanup.
func BinaryForNobody(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(Binary(t))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "nstool-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "nstool")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}
