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
	"path/filepath"
	"strings"
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
// registered and says which tests RequireRoot skipped.
func Main(m *testing.M) {
	if os.Getenv(envInside) != "" || os.Geteuid() != 0 {
		if os.Getenv(envInside) != "" {
			privateRunMount()
		}
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
		reportRootSkips()
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
	rootSkips []string // names of the tests RequireRoot skipped
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

// EnvRootSkips names a file to which every package run under Main appends
// one line per test RequireRoot skipped, "PACKAGE-DIR TEST": scripts/test.sh
// sets it to say, after a run without root, what that run did not cover.
const EnvRootSkips = "NSTOOL_TEST_ROOT_SKIPS"

// RequireRoot marks a test that needs root: as non-root it skips it, saying
// why, and records it so that the run ends by naming what it did not cover
// (a line "nstest: ... need root" in the test output, and EnvRootSkips).
// Every root-only test calls it first; tests that mount call it too, so
// that non-root runs still run everything else.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		mu.Lock()
		rootSkips = append(rootSkips, t.Name())
		mu.Unlock()
		t.Skip("needs root (mounts and namespaces); run `make test` as root")
	}
	if !Inside() {
		t.Fatal("a mounting test must run inside nstest.Main's private mount namespace: add `func TestMain(m *testing.M) { nstest.Main(m) }`")
	}
}

// Tmpfs mounts a fresh 16 MiB tmpfs on a new directory under t.TempDir()
// and unmounts it (and everything under it) in t.Cleanup.
func Tmpfs(t testing.TB) string {
	t.Helper()
	return TmpfsOfSize(t, "16m")
}

// TmpfsOfSize is Tmpfs of size bytes (tmpfs(5)'s size=: "512m").
func TmpfsOfSize(t testing.TB, size string) string {
	t.Helper()
	RequireRoot(t)
	dir := t.TempDir()
	TmpfsAt(t, dir, "nstest", "size="+size)
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// TmpfsAt mounts a tmpfs named source on dir, made first if need be, with
// the options data ("size=1m"). Nothing unmounts it for the test: make dir
// under a Tmpfs, whose cleanup detaches all below it.
func TmpfsAt(t testing.TB, dir, source, data string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount(source, dir, "tmpfs", 0, data); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", dir, err)
	}
}

// reportRootSkips prints the tests RequireRoot skipped (go test shows it
// with -v or when the package fails) and appends them to $NSTOOL_TEST_ROOT_SKIPS.
func reportRootSkips() {
	mu.Lock()
	defer mu.Unlock()
	if len(rootSkips) == 0 {
		return
	}
	names := byTopLevel(rootSkips)
	fmt.Printf("nstest: %d test(s) need root and did not run: %s\n", len(names), strings.Join(names, ", "))
	file := os.Getenv(EnvRootSkips)
	if file == "" {
		return
	}
	dir, _ := os.Getwd() // go test runs a package's tests in its directory
	if mod, err := moduleRoot(dir); err == nil {
		if rel, err := filepath.Rel(mod, dir); err == nil {
			dir = rel
		}
	}
	var b strings.Builder
	for _, name := range names {
		fmt.Fprintf(&b, "%s %s\n", dir, name)
	}
	// One write with O_APPEND: packages run at the same time do not interleave.
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err == nil {
		_, err = f.WriteString(b.String())
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "nstest: %s: %v\n", EnvRootSkips, err)
	}
}

// moduleRoot is the nearest directory at or above dir with a go.mod.
func moduleRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", os.ErrNotExist
		}
	}
}

// byTopLevel names skipped tests by their top-level test, in order: a
// subtest is left out when its parent was skipped too, and a parent that
// ran some subtests but not others reads "TestX (N subtests)".
func byTopLevel(skipped []string) []string {
	var order []string
	whole, subtests := map[string]bool{}, map[string]int{}
	for _, name := range skipped {
		top, _, isSub := strings.Cut(name, "/")
		if !whole[top] && subtests[top] == 0 {
			order = append(order, top)
		}
		if isSub {
			subtests[top]++
		} else {
			whole[top] = true
		}
	}
	var names []string
	for _, top := range order {
		if whole[top] {
			names = append(names, top)
		} else {
			names = append(names, fmt.Sprintf("%s (%d subtests)", top, subtests[top]))
		}
	}
	return names
}

// privateRunMount mounts a tmpfs on /run/mount and on /run/blkid in the
// tests' private namespace. util-linux's mount(8) records userspace
// options (x-*, user=) in /run/mount/utab, and libblkid, which mount(8)
// asks for LABEL= and UUID=, keeps its cache in /run/blkid/blkid.tab:
// files, which without this the differential tests' util-linux runs would
// leave in the host's /run although their mounts went with the namespace.
// Copies of this namespace that the tests make share the tmpfs, so their
// util-linux runs write there too.
func privateRunMount() {
	for _, dir := range []string{"/run/mount", "/run/blkid"} {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		if err := syscall.Mount("nstest-run", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=0755"); err != nil {
			fmt.Fprintf(os.Stderr, "nstest: cannot give the tests a %s of their own: %v\n", dir, err)
			os.Exit(2)
		}
	}
}
