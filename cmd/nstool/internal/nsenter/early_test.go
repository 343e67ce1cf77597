package nsenter

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/early"
	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
	"github.com/nstool/nstool/nsutil/spawn"
)

// parse runs the command line through cobra and Config, without running.
var parse = nstooltest.Parser(newCmd, (*Options).Config)

// describe renders the plan for the kernel (nsexectest.DescribeSteps) and
// the program.
func describe(sp *spawn.Spawn) string {
	return nsexectest.DescribeSteps(sp.Steps, true) + fmt.Sprintf("program %q %q by path %v\n", sp.Name, sp.Argv, sp.NoPathSearch)
}

// The early start (cmd/nstool/internal/early) takes nsenter command lines
// before the Go runtime starts, with this command's planner
// (nsenterPlan.plan) but its own reading of the command line and opening of
// the files: for each it must open the same files and come to the very
// steps this command plans.
func TestEarlyStartPlansAsTheCommand(t *testing.T) {
	nstest.RequireRoot(t)
	t.Setenv("SHELL", "/bin/bash")
	self := strconv.Itoa(os.Getpid())
	other := strconv.Itoa(nsexectest.Target(t, nil, "--user", "--map-root-user", "--mount", "--pid", "--uts"))
	options := []string{"-m", "--mount", "-u", "-i", "-n", "--net", "-p", "--pid", "-U", "--user", "-C", "-T", "--time",
		"-a", "--all", "-F", "--no-fork", "--preserve-credentials", "-mp", "-aF", "-mU", "-Fpm",
		"-r", "-w", "--wdns=/", "-W /tmp", "-S0", "-S 1", "--setgid=2", "-G 0", "--root=/", "--wd=/tmp", "-rw",
		"--mount=/proc/self/ns/mnt", "--uts=/proc/1/ns/uts", "--mount=/x",
		// getopt's forms: unique prefixes, ambiguous ones, attached optional values
		"--mou", "--ut", "--wdn=/", "--ro=/", "--no", "--pre", "-m/proc/self/ns/mnt", "-u/proc/1/ns/uts", "-mu",
		"--w", "--t", "--se=0", "-W -x",
		// not early
		"--explain", "-x", "-", "-S=0", "--root=", "-t=1", "-Z", "--follow-context", "-mZ"}
	targets := func(pid string) [][]string {
		return [][]string{{"-t", pid}, {"-t" + pid}, {"--target", pid}, {"--target=" + pid}, {"-mt" + pid}, {"-t", "0" + pid}}
	}
	programs := [][]string{nil, {"true"}, {"sh", "-c", "x"}, {"--", "-x"}}
	env := spawn.CStrings([]string{"SHELL=/bin/bash", "PATH=" + os.Getenv("PATH")})
	cases, taken := 0, 0
	for ti, pid := range []string{self, other} {
		for i, a := range options {
			for j, b := range append([]string{""}, options...) {
				argv := append([]string{}, targets(pid)[(i+j+ti)%6]...)
				argv = append(argv, strings.Fields(a+" "+b)...)
				argv = append(argv, programs[(i+j)%len(programs)]...)
				cases++
				line := strings.Join(argv, " ")
				var u spawn.EarlyNsenter
				if !early.ParseNsenter(&u, spawn.CStrings(argv)[:len(argv)], &env[0]) {
					continue
				}
				cfg, err := parse(t, argv...)
				if err != nil {
					t.Errorf("nsenter %s: the early start takes it, the command refuses it: %v", line, err)
					continue
				}
				openErr := cfg.Open()
				opened := u.Open()
				if opened != (openErr == nil) {
					t.Errorf("nsenter %s: early opens: %v, the command: %v", line, opened, openErr)
				}
				if opened && openErr == nil {
					taken++
					got, want := u.Plan(), cfg.Spawn()
					got.Argv = u.Args()
					if g, w := describe(got), describe(want); g != w {
						t.Errorf("nsenter %s: early\n%s\nthe command's\n%s", line, g, w)
					}
				}
				u.Close()
				cfg.Close()
			}
		}
	}
	t.Logf("%d command lines, %d taken by the early start", cases, taken)
	if taken < cases/4 {
		t.Errorf("the early start takes only %d of %d", taken, cases)
	}
}

// What the ordinary start does, the early start does: the same output and
// exit status, rootless too, and the same messages.
func TestEarlyStartAsTheOrdinaryStart(t *testing.T) {
	nstest.RequireRoot(t)
	t.Setenv("NSTOOL_EARLY", "")
	os.Unsetenv("NSTOOL_EARLY")
	bin := nstooltest.Binary(t)
	pid := strconv.Itoa(nsexectest.Target(t, nil, "--pid", "--mount", "--uts", "--ipc", "--net", "--cgroup", "--time"))
	rootless := strconv.Itoa(nsexectest.Target(t, nsexectest.Nobody, "--user", "--map-root-user", "--mount", "--pid"))
	withProc := strconv.Itoa(nsexectest.Target(t, nil, "--pid", "--mount", "--mount-proc"))
	probe := `for n in mnt uts ipc net pid cgroup time user; do echo "$n $(readlink /proc/self/ns/$n)"; done
[ "$PPID" = 0 ] && echo "parent outside the pid namespace"; echo "uid $(id -u) gid $(id -g) groups $(id -G)"; hostname`
	tools := nsexectest.ForNobody(t, []nsexectest.Tool{{Name: "early", Argv: []string{bin, "nsenter"}}, {Name: "early", Argv: []string{bin, "nsenter"}}})
	for _, c := range []struct {
		o    nsexectest.Options
		args []string
	}{
		{nsexectest.Options{}, []string{"-t", pid, "-a", "sh", "-c", probe}},
		{nsexectest.Options{}, []string{"-t", pid, "-m", "-p", "sh", "-c", probe}},
		{nsexectest.Options{}, []string{"-t", pid, "-a", "-F", "sh", "-c", probe}},
		{nsexectest.Options{}, []string{"-t", pid, "-m", "-p", "no-such-program"}},
		{nsexectest.Options{}, []string{"-t", pid, "-p", "-F", "no-such-program"}},
		{nsexectest.Options{}, []string{"-t", pid, "-m", "sh", "-c", "exit 5"}},
		{nsexectest.Options{}, []string{"-t", pid, "-p", "sh", "-c", "kill -TERM $$"}},
		{nsexectest.Options{}, []string{"-t", rootless, "-a", "sh", "-c", probe}},
		{nsexectest.Options{}, []string{"-t", rootless, "-U", "-m", "--preserve-credentials", "sh", "-c", probe}},
		{nsexectest.Options{Cred: nsexectest.Nobody}, []string{"-t", rootless, "-U", "-m", "-p", "sh", "-c", probe}},
		{nsexectest.Options{Cred: nsexectest.Nobody}, []string{"-t", pid, "-m", "true"}},
		// a target with its own /proc: after setns into its mount namespace
		// /proc/self is not there to tell anything
		{nsexectest.Options{}, []string{"-t", withProc, "-m", "-p", "-F", "no-such-program"}},
		{nsexectest.Options{}, []string{"-t", withProc, "-a", "-F", "/etc/passwd"}},
		{nsexectest.Options{}, []string{"-t", withProc, "-m", "-p", "-U", "true"}},
	} {
		bin := tools[0]
		if c.o.Cred != nil {
			bin = tools[1]
		}
		early := bin.Run(t, c.o, c.args...)
		o := c.o
		o.Env = append(o.Env, "NSTOOL_EARLY=off")
		ordinary := bin.Run(t, o, c.args...)
		if early != ordinary {
			t.Errorf("nsenter %q:\nearly    %+v\nordinary %+v", c.args, early, ordinary)
		}
	}
	// A failure reported from a child: its status survives an inherited
	// SIGCHLD = SIG_IGN (bash, unlike dash, really ignores it).
	ignoring := nsexectest.Tool{Name: "early", Argv: []string{"bash", "-c", `trap '' CHLD; exec "$@"`, "bash", bin, "nsenter"}}
	if r := ignoring.Run(t, nsexectest.Options{}, "-t", withProc, "-m", "-p", "-F", "no-such-program"); r.Code != 127 {
		t.Errorf("with SIGCHLD ignored: %+v", r)
	}
}

// nstool stops when the program stops, and goes on when continued, as
// util-linux nsenter: early, ordinary, with a fork and without.
func TestFollowsStops(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	pid := strconv.Itoa(nsexectest.Target(t, nil, "--pid", "--mount"))
	for _, c := range []struct {
		env  string
		args []string
	}{
		{"", []string{"-t", pid, "-m", "-p"}},
		{"NSTOOL_EARLY=off", []string{"-t", pid, "-m", "-p"}},
		{"NSTOOL_EARLY=off", []string{"-t", pid, "-m", "-w"}}, // the ordinary start, no fork
		{"", []string{"-t", pid, "-m", "-w"}},                 // the early start, in place
	} {
		cmd := exec.Command(bin, append(append([]string{"nsenter"}, c.args...), "sh", "-c", "kill -STOP $$; exit 3")...)
		cmd.Env = append(os.Environ(), c.env)
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// (The bound only turns "never" into a verdict.)
		stopped := false
		for i := 0; i < 2000 && !stopped; i++ {
			st, ok := nsexectest.Stat(cmd.Process.Pid)
			stopped = ok && st.State == 'T'
			if !stopped {
				syscall.Nanosleep(&syscall.Timespec{Nsec: 1e7}, nil)
			}
		}
		if !stopped {
			t.Errorf("%s nsenter %v: nstool did not stop with its program", c.env, c.args)
		}
		syscall.Kill(cmd.Process.Pid, syscall.SIGCONT)
		cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 3 {
			t.Errorf("%s nsenter %v: exit %d after SIGCONT, want the program's 3", c.env, c.args, code)
		}
	}
}

// The early start makes util-linux nsenter's system calls, in its order,
// in as many processes.
func TestEarlyStartSyscallsAsUtilLinux(t *testing.T) {
	tools := nsexectest.EarlyTools(t, "nsenter")
	pid := strconv.Itoa(nsexectest.Target(t, nil, "--pid", "--mount", "--uts", "--ipc", "--net", "--cgroup", "--time"))
	rootless := strconv.Itoa(nsexectest.Target(t, nsexectest.Nobody, "--user", "--map-root-user", "--mount", "--pid"))
	for _, args := range [][]string{
		{"-t", pid, "-a", "true"},
		{"-t", pid, "-m", "-p", "true"},
		{"-t", pid, "-a", "-F", "true"},
		{"-t", rootless, "-a", "true"},
		{"-t", rootless, "-U", "-m", "true"},
		{"-t", rootless, "-U", "--preserve-credentials", "-m", "true"},
		{"-t", pid, "-m", "-S", "0", "-G", "0", "true"},
		{"-t", pid, "-m", "-r", "true"},
		{"-t", pid, "-m", "-r", "-w", "true"},
		{"-t", pid, "-m", "-w", "-u", "true"},
		{"-t", pid, "-m", "-r", "-W", "/tmp", "true"},
		{"--mount=/proc/" + pid + "/ns/mnt", "true"},
		{"-t", rootless, "-U", "-m", "-S", "0", "true"},
		{"-t", pid, "-m", "no-such-program"},
	} {
		ul, _ := nsexectest.Syscalls(t, append(tools[0].Argv, args...)...)
		ns, threads := nsexectest.Syscalls(t, append(tools[1].Argv, args...)...)
		if ul != ns {
			t.Errorf("nsenter %s: util-linux\n%s\nnstool\n%s", strings.Join(args, " "), ul, ns)
		}
		if threads != strings.Contains(strings.Join(args, " "), "no-such") {
			t.Errorf("nsenter %s: Go's runtime threads: %v", strings.Join(args, " "), threads)
		}
	}
}

// --explain says when the command line without it takes the early start.
func TestExplainNotesEarlyStart(t *testing.T) {
	nstest.RequireRoot(t)
	nsexectest.RequireEarlyStart(t, nstooltest.Binary(t))
	tool := nsexectest.Tool{Name: "nstool", Argv: []string{nstooltest.Binary(t), "nsenter", "--explain"}}
	pid := strconv.Itoa(nsexectest.Target(t, nil, "--mount"))
	// -S=0 is -S with "=0", as getopt reads it: a number the early start
	// leaves to the ordinary one, which refuses it as util-linux does.
	for args, want := range map[string]bool{"-m true": true, "-a -F true": true, "-m -r true": true, "-m --wdns=/ true": true,
		"-m -S=0 true": false, "-m --wdn=/ true": true, "--mou -r/ true": true} {
		r := tool.Run(t, nsexectest.Options{}, append([]string{"-t", pid}, strings.Fields(args)...)...)
		if got := strings.Contains(r.Stderr, "(the early start;"); got != want || r.Code != map[bool]int{true: 0, false: 1}[want] {
			t.Errorf("nsenter --explain -t PID %s: note %v, want %v: %+v", args, got, want, r)
		}
	}
}
