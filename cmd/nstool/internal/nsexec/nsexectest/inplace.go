package nsexectest

import (
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/nsutil/nstest"
)

// Background starts argv as a script's `argv &` does, with env added to
// the environment, and returns $! and the process that runs comm: $!
// itself when the tool carried out its steps in place, as util-linux does,
// else a descendant of it. Cleanup kills both (the process group: a
// --fork child outlives a killed unshare, as util-linux's does).
func Background(t *testing.T, env []string, comm string, argv ...string) (bang, prog int) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	for {
		if pid := DescendantNow(cmd.Process.Pid, comm); pid != 0 {
			return cmd.Process.Pid, pid
		}
		if st, ok := Stat(cmd.Process.Pid); !ok || st.State == 'Z' {
			t.Fatalf("%q ended before it ran %s", argv, comm)
		}
		syscall.Nanosleep(&syscall.Timespec{Nsec: 2e6}, nil)
	}
}

// EarlyTools are util-linux's verb and the Makefile's nstool (the early
// start on), for tests as root; they skip without them.
func EarlyTools(t *testing.T, verb string) []Tool {
	t.Helper()
	nstest.RequireRoot(t)
	t.Setenv("NSTOOL_EARLY", "") // restored after the test,
	os.Unsetenv("NSTOOL_EARLY")  // and meanwhile the early start is on
	tools := Tools(t, verb)
	RequireEarlyStart(t, tools[1].Argv[0])
	return tools
}

// InPlace runs `TOOL ARGS sleep 100 &` and checks that $! is the sleep
// (no fork) and in new namespaces of the types want lists (as
// "mnt user"), compared with this process's; it returns the sleep.
func InPlace(t *testing.T, tool Tool, args []string, want string) int {
	t.Helper()
	argv := append(append(append([]string{}, tool.Argv...), args...), "sleep", "100")
	started, sleeper := Background(t, nil, "sleep", argv...)
	line := tool.Name + " " + strings.Join(argv[len(tool.Argv)-1:], " ")
	if sleeper != started {
		t.Errorf("%s &: $! is %d, the sleep %d (a fork)", line, started, sleeper)
	}
	if got := strings.Join(NsDiffer(sleeper, os.Getpid()), " "); got != want {
		t.Errorf("%s: the sleep is in other %q namespaces, want %q", line, got, want)
	}
	return sleeper
}

// NsTypes are the names under /proc/PID/ns/ that name a process's own
// namespaces.
var NsTypes = []string{"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}

// NsDiffer lists the namespace types in which pid is not where ref is
// (/proc/PID/ns/TYPE links differ), sorted.
func NsDiffer(pid, ref int) []string {
	var out []string
	for _, n := range NsTypes {
		a, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/" + n)
		b, _ := os.Readlink("/proc/" + strconv.Itoa(ref) + "/ns/" + n)
		if a != b || a == "" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// CheckVersion runs `bin VERB -V` (and --version, a prefix of it) in both
// starts and wants util-linux's version line with nstool's name, exit 0:
// the early start leaves -V to the ordinary one.
func CheckVersion(t *testing.T, bin, verb string) {
	t.Helper()
	for _, env := range Starts {
		for _, arg := range []string{"-V", "--version", "--vers"} {
			cmd := exec.Command(bin, verb, arg)
			cmd.Env = append(os.Environ(), env)
			out, err := cmd.Output()
			if err != nil || !strings.HasPrefix(string(out), verb+" from nstool ") || strings.Count(string(out), "\n") != 1 {
				t.Errorf("%s %s %s: %v, %q", env, verb, arg, err, out)
			}
		}
	}
}
