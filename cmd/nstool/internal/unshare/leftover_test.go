package unshare_test

import (
	"os/exec"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// TestKill9LeavesNothing: SIGKILL to nstool takes its program with it when
// util-linux's would go too: --kill-child, and the shapes where nstool's
// child plays the program that util-linux would have exec'd in place.
func TestKill9LeavesNothing(t *testing.T) {
	nstest.RequireRoot(t)
	bin := nstest.Binary(t)
	for _, args := range [][]string{
		{"unshare", "--fork", "--pid", "--mount-proc", "--kill-child", "sleep", "1000"},
		{"unshare", "--user", "--map-root-user", "--mount", "sleep", "1000"},
		{"unshare", "--user", "--map-root-user", "--fork", "--kill-child", "sleep", "1000"},
		{"unshare", "--mount=" + t.TempDir() + "/no-such-dir/f", "--fork", "--kill-child", "sleep", "1000"},
		{"nsenter", "-t", "1", "-m", "sleep", "1000"},
		{"nsenter", "-t", "1", "-m", "-p", "sleep", "1000"},
	} {
		t.Run(args[0]+" "+args[1], func(t *testing.T) {
			cmd := exec.Command(bin, args...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			found := make(chan int, 1)
			go func() { found <- nsexectest.Descendant(cmd.Process.Pid, "sleep") }()
			var sleep int
			select {
			case sleep = <-found:
			case <-done:
				// It failed before running the program (the persist case,
				// a bind onto a missing file): exit 1, and its child is gone.
				if code := cmd.ProcessState.ExitCode(); code != 1 {
					t.Errorf("exit %d, want 1", code)
				}
				return
			}
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			nsexectest.WaitGone(sleep) // hangs (and the test times out) if it survives
		})
	}
}
