package unshare_test

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// TestKill9LeavesNothing: SIGKILL to nstool takes its program with it when
// util-linux's would go too: --kill-child, and the shapes where nstool's
// child plays the program that util-linux would have exec'd in place (with
// the early start, --user --map-root-user --mount is the program itself).
func TestKill9LeavesNothing(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	self := strconv.Itoa(os.Getpid())
	for _, args := range [][]string{
		{"unshare", "--fork", "--pid", "--mount-proc", "--kill-child", "sleep", "1000"},
		{"unshare", "--user", "--map-root-user", "--mount", "sleep", "1000"},
		{"unshare", "--user", "--map-root-user", "--fork", "--kill-child", "sleep", "1000"},
		{"unshare", "--mount=" + t.TempDir() + "/no-such-dir/f", "--fork", "--kill-child", "sleep", "1000"},
		{"nsenter", "-t", self, "-m", "sleep", "1000"},
		// nsenter -p forks, and its program outlives it, as util-linux's:
		// nsenter's TestSignalsToNsenter.
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
				// It failed before running the program: only the persist
				// case may (a bind onto a missing file): exit 1, child gone.
				if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.HasPrefix(args[1], "--mount=") {
					t.Errorf("%v: exit %d before the program ran", args, code)
				}
				return
			}
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			// A survivor is a failure, and is killed rather than left behind.
			// (The bound only turns "never" into a verdict: death by
			// PR_SET_PDEATHSIG takes microseconds.)
			gone := make(chan struct{})
			go func() { nsexectest.WaitGone(sleep); close(gone) }()
			select {
			case <-gone:
			case <-time.After(20 * time.Second):
				syscall.Kill(sleep, syscall.SIGKILL)
				t.Errorf("%v: its program (pid %d) survived kill -9 of nstool", args, sleep)
			}
		})
	}
}

// TestSignalsToUnshare: a signal sent to unshare itself ends the same way
// for util-linux and nstool. Without --fork util-linux's unshare is the
// program (nstool passes SIGTERM on to its child); with --fork the parent
// blocks SIGTERM and the program carries on.
func TestSignalsToUnshare(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "unshare")
	for _, c := range []struct {
		args      []string
		survives  bool // the program outlives the SIGTERM to unshare
		wantState string
	}{
		{[]string{"--user", "--map-root-user", "sleep", "1000"}, false, "signal: terminated"},
		{[]string{"--mount", "sleep", "1000"}, false, "signal: terminated"},
		{[]string{"--fork", "--mount", "sleep", "1000"}, true, "signal: killed"},
		{[]string{"--fork", "--user", "--map-root-user", "sleep", "1000"}, true, "signal: killed"},
	} {
		for _, tool := range tools {
			argv := append(append([]string{}, tool.Argv...), c.args...)
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// The sleep: unshare itself (exec'd in place) or a descendant.
			var sleep int
			for sleep == 0 {
				if st, ok := nsexectest.Stat(cmd.Process.Pid); ok && st.Comm == "sleep" {
					sleep = cmd.Process.Pid
					break
				}
				sleep = nsexectest.DescendantNow(cmd.Process.Pid, "sleep")
				syscall.Nanosleep(&syscall.Timespec{Nsec: 2e6}, nil)
			}
			cmd.Process.Signal(syscall.SIGTERM)
			if c.survives {
				// It must still run after unshare had every chance to act.
				syscall.Nanosleep(&syscall.Timespec{Nsec: 2e8}, nil)
				if st, ok := nsexectest.Stat(sleep); !ok || st.State == 'Z' {
					t.Errorf("%s %v: the program died of a SIGTERM sent to unshare", tool.Name, c.args)
				}
				syscall.Kill(sleep, syscall.SIGKILL)
			}
			err := cmd.Wait()
			want := c.wantState
			if want == "signal: killed" && tool.Name == "util-linux" {
				// util-linux cannot reset SIGKILL's disposition before
				// re-raising it, says "sigprocmask unblock failed" and exits 1;
				// nstool dies of SIGKILL like of any other signal.
				want = "exit status 1"
			}
			if got := fmt.Sprint(err); got != want {
				t.Errorf("%s %v: ended with %q, want %q", tool.Name, c.args, got, want)
			}
		}
	}
}
