package nsenter_test

import (
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// TestSignalsToNsenter: entering a PID namespace, nsenter forks, and its
// program is a child that outlives a signal to nsenter itself. util-linux
// and nstool (both starts) end the same way: nsenter dies of the signal
// (exit 143 for SIGTERM), the program goes on.
func TestSignalsToNsenter(t *testing.T) {
	nstest.RequireRoot(t)
	target := strconv.Itoa(nsexectest.Target(t, nil, "--pid", "--mount", "--mount-proc"))
	tools := nsexectest.Tools(t, "nsenter")
	tools = append(tools, nsexectest.Tool{Name: "nstool, ordinary start", Argv: tools[1].Argv})
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		for _, tool := range tools {
			argv := append(append([]string{}, tool.Argv...), "-t", target, "-m", "-p", "sleep", "1000")
			cmd := exec.Command(argv[0], argv[1:]...)
			if tool.Name == "nstool, ordinary start" {
				cmd.Env = append(cmd.Environ(), "NSTOOL_EARLY=off")
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sleep := nsexectest.Descendant(cmd.Process.Pid, "sleep")
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			want := "signal: " + map[syscall.Signal]string{syscall.SIGTERM: "terminated", syscall.SIGKILL: "killed"}[sig]
			if err == nil || err.Error() != want {
				t.Errorf("%s: nsenter -p ended with %v after %v; want %s", tool.Name, err, sig, want)
			}
			// The program must still run once nsenter is gone (its death
			// by PR_SET_PDEATHSIG, if it had one, takes microseconds).
			syscall.Nanosleep(&syscall.Timespec{Nsec: 2e8}, nil)
			if st, ok := nsexectest.Stat(sleep); !ok || st.State == 'Z' {
				t.Errorf("%s: the program died with nsenter -p (%v); util-linux's lives on", tool.Name, sig)
			}
			syscall.Kill(sleep, syscall.SIGKILL)
		}
	}
}
