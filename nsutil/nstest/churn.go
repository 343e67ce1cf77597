package nstest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// Churn keeps processes coming and going until the test ends: a shell that
// starts and reaps short-lived ones, half of them `unshare UNSHARE true` in
// new namespaces (UNSHARE: unshare(1)'s options, "-u -m" say). It and its
// children are killed in t.Cleanup.
func Churn(t testing.TB, unshare string) {
	t.Helper()
	churn := exec.Command("sh", "-c", `while :; do
		for i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.001 & unshare `+unshare+` true & done
		wait
	done`)
	churn.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := churn.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-churn.Process.Pid, syscall.SIGKILL) // the shell and its children
		_ = churn.Wait()
	})
}

// SleepIn starts `sleep inf` as attr says (new namespaces by Cloneflags, say:
// no remount, no re-exec), kills it in t.Cleanup and returns its PID once it
// is sleep: until the exec is complete the child is a copy of the test, and
// execve(2) sets comm before the new stack, so /proc/PID/cmdline can still
// be empty for a moment after comm already says "sleep".
func SleepIn(t testing.TB, attr *syscall.SysProcAttr) int {
	t.Helper()
	cmd := exec.Command("sleep", "inf")
	cmd.SysProcAttr = attr
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sleep with clone flags %#x: %v", attr.Cloneflags, err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", cmd.Process.Pid))
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", cmd.Process.Pid))
		if string(comm) == "sleep\n" && string(cmdline) == "sleep\x00inf\x00" {
			return cmd.Process.Pid
		}
		syscall.Nanosleep(&syscall.Timespec{Nsec: 1e6}, nil)
	}
}

// Sleeper runs a command line that ends by exec'ing `sleep` (util-linux
// `unshare -m --propagation slave sleep 1000`, or `sh -c '...; exec sleep
// 1000'`: unshare and nsenter exec in place, so the PID becomes the
// sleep's), kills it in t.Cleanup (Stop kills it sooner) and returns once
// the process is that sleep, with whatever the command line set up done.
func Sleeper(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	t.Cleanup(func() { Stop(cmd) })
	for {
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", cmd.Process.Pid))
		if err != nil {
			t.Fatalf("%s: exited before it slept: %v", strings.Join(args, " "), err)
		}
		if string(comm) == "sleep\n" {
			return cmd
		}
		syscall.Nanosleep(&syscall.Timespec{Nsec: 1e6}, nil)
	}
}

// Stop kills a Sleeper and waits for it (again: a no-op).
func Stop(cmd *exec.Cmd) {
	if cmd.ProcessState == nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
}
