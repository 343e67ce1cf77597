package nstest

import (
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
