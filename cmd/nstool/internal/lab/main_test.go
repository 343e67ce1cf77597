package lab

import (
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/nstool/nstool/nsutil/nstest"
)

// envOwnPIDNS marks the test binary run again in a PID namespace of its own.
const envOwnPIDNS = "NSTOOL_LAB_TEST_OWN_PIDNS"

// TestMain runs this package's tests, as root, in a PID namespace of their
// own with its own /proc, and there (nstest.Main) in a private mount
// namespace. nstool finds running sandboxes in /proc: with the machine's
// /proc, `lab shell` would see the sandboxes of another test run at the same
// time (another checkout's `make test`), and `lab reset` would end them.
// When the namespace's PID 1 ends, the kernel ends everything in it.
func TestMain(m *testing.M) {
	switch {
	case os.Geteuid() != 0:
	case os.Getenv(envOwnPIDNS) == "":
		os.Exit(again(&syscall.SysProcAttr{
			// Cloneflags: Unshareflags cannot make a PID namespace (DESIGN.md).
			Cloneflags: syscall.CLONE_NEWPID | syscall.CLONE_NEWNS,
			Pdeathsig:  syscall.SIGKILL, // a killed `go test` takes the tests with it
		}))
	case os.Getpid() == 1:
		os.Exit(initOfTheTests())
	}
	nstest.Main(m)
}

// initOfTheTests is PID 1 of the tests' namespace: it mounts the
// namespace's /proc, runs the tests in a child and reaps every orphan (a
// lab a test killed leaves some) until that child ends.
func initOfTheTests() int {
	// Every mount private first, so that the new /proc cannot propagate to
	// the host's (a shared /proc on a systemd host, mount_namespaces(7)).
	if err := syscall.Mount("none", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		fmt.Fprintf(os.Stderr, "lab tests: making / private: %v\n", err)
		return 2
	}
	if err := syscall.Mount("proc", "/proc", "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		fmt.Fprintf(os.Stderr, "lab tests: mounting /proc: %v\n", err)
		return 2
	}
	tests, err := start(&syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL})
	if err != nil {
		fmt.Fprintf(os.Stderr, "lab tests: %v\n", err)
		return 2
	}
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		switch {
		case err == syscall.EINTR:
		case err != nil:
			fmt.Fprintf(os.Stderr, "lab tests: %v\n", err)
			return 2
		case pid == tests.Pid && ws.Signaled():
			return 128 + int(ws.Signal())
		case pid == tests.Pid:
			return ws.ExitStatus()
		}
	}
}

// again runs this test binary again, with its arguments, and returns its
// exit status.
func again(attr *syscall.SysProcAttr) int {
	p, err := start(attr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lab tests: cannot run in a PID namespace of their own: %v\n", err)
		return 2
	}
	ps, err := p.Wait()
	if err != nil {
		fmt.Fprintf(os.Stderr, "lab tests: %v\n", err)
		return 2
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// start starts this test binary again, marked envOwnPIDNS, on the same
// terminal.
func start(attr *syscall.SysProcAttr) (*os.Process, error) {
	env := os.Environ()
	if os.Getenv(envOwnPIDNS) == "" {
		env = append(env, envOwnPIDNS+"=1")
	}
	return os.StartProcess("/proc/self/exe", os.Args, &os.ProcAttr{
		Env:   env,
		Files: []*os.File{os.Stdin, os.Stdout, os.Stderr},
		Sys:   attr,
	})
}
