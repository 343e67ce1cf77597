package nstest

import (
	"fmt"
	"os"
	"os/exec"
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
