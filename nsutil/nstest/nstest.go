// Package nstest runs a package's tests inside a throwaway mount namespace,
// so that nothing a test mounts can ever reach the host: when the test
// process exits, even by SIGKILL, the kernel drops the namespace and every
// mount in it.
package nstest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
)

// envInside marks the re-executed test binary.
const envInside = "NSTOOL_TEST_PRIVATE_MNTNS"

// Main is a TestMain body. As root it re-executes the test binary in a new
// mount namespace whose mounts are all private (Go's Unshareflags with
// CLONE_NEWNS remounts / MS_REC|MS_PRIVATE in the child before exec, which is
// exactly the isolation tests want) and exits with the child's status. As
// non-root, or once inside, it just runs the tests; then it runs what AtExit
// registered.
func Main(m *testing.M) {
	if os.Getenv(envInside) != "" || os.Geteuid() != 0 {
		mu.Lock()
		underMain = true
		mu.Unlock()
		code := m.Run()
		mu.Lock()
		funcs := atExit
		underMain, atExit = false, nil
		mu.Unlock()
		for i := len(funcs) - 1; i >= 0; i-- {
			funcs[i]()
		}
		os.Exit(code)
	}
	cmd := exec.Command("/proc/self/exe", os.Args[1:]...)
	cmd.Args[0] = os.Args[0]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), envInside+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Unshareflags: syscall.CLONE_NEWNS,
		Pdeathsig:    syscall.SIGKILL, // a killed `go test` takes the tests with it
	}
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		os.Exit(0)
	case errors.As(err, &exit):
		os.Exit(exit.ExitCode())
	default:
		fmt.Fprintf(os.Stderr, "nstest: cannot re-run the tests in a private mount namespace: %v\n", err)
		os.Exit(2)
	}
}

// Inside reports whether the tests run in nstest's private mount namespace.
func Inside() bool { return os.Getenv(envInside) != "" }

var (
	mu        sync.Mutex
	underMain bool
	atExit    []func()
)

// AtExit registers f to run once the package's tests have ended, for what
// they share and no single test owns (a binary built once for all of them).
// It reports false, and registers nothing, when the tests do not run under
// Main: the caller must then clean up otherwise or refuse.
func AtExit(f func()) bool {
	mu.Lock()
	defer mu.Unlock()
	if !underMain {
		return false
	}
	atExit = append(atExit, f)
	return true
}

// RequireRoot skips a test that needs root, saying why; tests that mount call
// it first so that non-root runs still run everything else.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (mounts and namespaces); run `make test` as root")
	}
	if !Inside() {
		t.Fatal("a mounting test must run inside nstest.Main's private mount namespace: add `func TestMain(m *testing.M) { nstest.Main(m) }`")
	}
}

// Tmpfs mounts a fresh tmpfs on a new directory under t.TempDir() and
// unmounts it (and everything under it) in t.Cleanup.
func Tmpfs(t testing.TB) string {
	t.Helper()
	RequireRoot(t)
	dir := t.TempDir()
	if err := syscall.Mount("nstest", dir, "tmpfs", 0, "size=16m"); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}
