// Package nsexectest runs util-linux unshare/nsenter and nstool side by side
// for differential tests: same arguments, optionally as another user, and
// the results normalised so that only real differences remain.
package nsexectest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// Result is how a command ended.
type Result struct {
	Stdout, Stderr string
	Code           int            // exit code, -1 when killed
	Signal         syscall.Signal // the signal that killed it
}

// Tool is one implementation of a verb: util-linux ("unshare") or nstool
// ("/path/nstool unshare").
type Tool struct {
	Name string
	Argv []string
}

// Tools returns util-linux's verb and nstool's, in that order.
func Tools(t *testing.T, verb string) []Tool {
	t.Helper()
	if _, err := exec.LookPath(verb); err != nil {
		t.Skipf("util-linux %s is not installed: %v", verb, err)
	}
	return []Tool{{"util-linux", []string{verb}}, {"nstool", []string{nstooltest.Binary(t), verb}}}
}

// Options tune one run.
type Options struct {
	Cred  *syscall.Credential // run as this user (nil: as the test)
	Env   []string            // extra environment
	Stdin string
}

// Run runs tool with args and returns how it ended.
func (tl Tool) Run(t *testing.T, o Options, args ...string) Result {
	t.Helper()
	argv := append(append([]string{}, tl.Argv...), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = strings.NewReader(o.Stdin)
	cmd.Env = append(os.Environ(), o.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: o.Cred, Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		ws := ee.Sys().(syscall.WaitStatus)
		r.Code = ws.ExitStatus()
		if ws.Signaled() {
			r.Signal = ws.Signal()
		}
	default:
		t.Fatalf("%s: %v", strings.Join(argv, " "), err)
	}
	return r
}

// Compare runs args with util-linux's tool and nstool's (tools as Tools
// returns them for verb) and reports any difference in how they ended,
// nstool's stderr made comparable by NormStderr; it returns nstool's result.
func Compare(t *testing.T, verb string, tools []Tool, o Options, args ...string) Result {
	t.Helper()
	ul := tools[0].Run(t, o, args...)
	ns := tools[1].Run(t, o, args...)
	ns.Stderr = NormStderr(verb, ns.Stderr)
	if ul != ns {
		t.Errorf("%s %q:\nutil-linux %+v\nnstool     %+v", verb, args, ul, ns)
	}
	return ns
}

// NormStderr makes nstool's messages comparable with util-linux's: the
// "nstool VERB:" prefix becomes "VERB:" and nstool's hints are dropped.
func NormStderr(verb, s string) string {
	s = strings.ReplaceAll(s, "nstool "+verb+": ", verb+": ")
	s = strings.ReplaceAll(s, "Try 'nstool "+verb+" --help'", "Try '"+verb+" --help'")
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if i := strings.Index(l, " (need root: "); i >= 0 {
			l = l[:i]
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// Nobody is uid/gid 65534, for rootless runs.
var Nobody = &syscall.Credential{Uid: 65534, Gid: 65534, NoSetGroups: false, Groups: []uint32{}}

// Unprivileged is who runs a rootless case: Nobody when the test runs as
// root, else the test's own user (nil), so that rootless tests run without
// root too.
func Unprivileged() *syscall.Credential {
	if os.Geteuid() == 0 {
		return Nobody
	}
	return nil
}

// SharedDir makes a world-writable directory (for rootless children) that is
// removed after the test.
func SharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "nstool-ns-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// ForNobody returns the tools with nstool's run from a copy of Binary that
// uid 65534 can run (nstooltest.BinaryForNobody); run as Unprivileged,
// without root, the tools are the test's own and stay as they are.
func ForNobody(t *testing.T, tools []Tool) []Tool {
	t.Helper()
	if os.Geteuid() != 0 {
		return tools
	}
	out := append([]Tool{}, tools...)
	out[1] = Tool{"nstool", append([]string{nstooltest.BinaryForNobody(t)}, tools[1].Argv[1:]...)}
	return out
}

// procStat is the part of /proc/PID/stat tests look at.
type procStat struct {
	Comm                     string
	State                    byte
	PPid, Pgrp, Session, TPG int
}

// Stat reads /proc/PID/stat (ok false when the process is gone).
func Stat(pid int) (st procStat, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return st, false
	}
	s := string(b)
	open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || close < open {
		return st, false
	}
	st.Comm = s[open+1 : close]
	f := strings.Fields(s[close+2:])
	if len(f) < 6 {
		return st, false
	}
	st.State = f[0][0]
	st.PPid, _ = strconv.Atoi(f[1])
	st.Pgrp, _ = strconv.Atoi(f[2])
	st.Session, _ = strconv.Atoi(f[3])
	st.TPG, _ = strconv.Atoi(f[5])
	return st, true
}

// Descendant waits until root itself (a program executed in place) or a
// live, running descendant of root runs comm, and returns it.
func Descendant(root int, comm string) int {
	for {
		if pid := DescendantNow(root, comm); pid != 0 {
			return pid
		}
		syscall.Nanosleep(&syscall.Timespec{Nsec: 2e6}, nil)
	}
}

// DescendantNow is Descendant without waiting: 0 when there is none yet.
func DescendantNow(root int, comm string) int {
	{
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			st, ok := Stat(pid)
			if !ok || st.Comm != comm || st.State == 'Z' || st.State == 'T' {
				continue
			}
			for p, hops := pid, 0; p > 1 && hops < 10; hops++ {
				if p == root {
					return pid
				}
				pst, ok := Stat(p)
				if !ok {
					break
				}
				p = pst.PPid
			}
		}
	}
	return 0
}

// WaitGone waits until pid has ended (gone, or a zombie nobody reaped yet).
func WaitGone(pid int) {
	for {
		st, ok := Stat(pid)
		if !ok || st.State == 'Z' {
			return
		}
		syscall.Nanosleep(&syscall.Timespec{Nsec: 2e6}, nil)
	}
}

// Target starts `unshare ARGS --fork --kill-child sleep infinity` (util-linux)
// and returns the PID of the sleep; killing unshare in Cleanup kills it.
func Target(t *testing.T, cred *syscall.Credential, args ...string) int {
	t.Helper()
	argv := append(append([]string{}, args...), "--fork", "--kill-child", "sleep", "infinity")
	cmd := exec.Command("unshare", argv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	children := "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task/" + strconv.Itoa(cmd.Process.Pid) + "/children"
	for {
		b, _ := os.ReadFile(children)
		if f := strings.Fields(string(b)); len(f) == 1 {
			if exe, _ := os.Readlink("/proc/" + f[0] + "/exe"); strings.HasSuffix(exe, "/sleep") {
				pid, _ := strconv.Atoi(f[0])
				return pid
			}
		}
		syscall.Nanosleep(&syscall.Timespec{Nsec: 2e6}, nil)
	}
}

// The system calls that make an unshare or an nsenter, as strace shows
// them, without what differs only in form: pids, the program's own start
// (its first execve and the files its libraries open), clone's flags and
// open's O_CLOEXEC.
var (
	straceLine  = regexp.MustCompile(`^(?:\[pid +\d+\] |\d+ +)?(\w+)\((.*)\) += (.*)$`)
	environAddr = regexp.MustCompile(`0x[0-9a-f]+ /\* \d+ vars \*/`)
	hexAddr     = regexp.MustCompile(`0x[0-9a-f]+`)
	number      = regexp.MustCompile(`\b\d+\b`)
	procFile    = regexp.MustCompile(`"/proc/(self/(uid_map|gid_map|setgroups|timens_offsets)|\d+/(ns/\w+|root|cwd))"`)
	procPID     = regexp.MustCompile(`/proc/\d+/`)
	faultSignal = regexp.MustCompile(`^SIG(SEGV|BUS|ILL|FPE|TRAP), `)
)

// forkResult is a fork's return value in a strace line: the new PID.
var forkResult = regexp.MustCompile(`^(?:clone|clone3|fork|vfork)\(.*\) += (\d+)$`)

// processOrder reads strace -ff's files (strace.PID) in the order the
// processes were made: the first one (made by no other), then each one's
// children in the order it forked them.
func processOrder(t *testing.T, logs []string) []string {
	t.Helper()
	byPID := map[string][]string{}
	children := map[string][]string{}
	made := map[string]bool{}
	for _, log := range logs {
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		pid := log[strings.LastIndexByte(log, '.')+1:]
		byPID[pid] = strings.Split(strings.TrimSpace(string(b)), "\n")
		for _, line := range byPID[pid] {
			if m := forkResult.FindStringSubmatch(line); m != nil {
				children[pid] = append(children[pid], m[1])
				made[m[1]] = true
			}
		}
	}
	var queue []string
	for pid := range byPID {
		if !made[pid] {
			queue = append(queue, pid)
		}
	}
	if len(queue) != 1 {
		t.Fatalf("strace: %d first processes among %v", len(queue), logs)
	}
	var lines []string
	for len(queue) > 0 {
		pid := queue[0]
		queue = append(queue[1:], children[pid]...)
		lines = append(lines, byPID[pid]...)
	}
	return lines
}

// Syscalls runs argv under strace -ff and returns its system calls that
// matter to namespaces, one per line, in the order the processes were made,
// and whether a thread was made (Go's runtime started).
func Syscalls(t *testing.T, argv ...string) (calls string, threads bool) {
	t.Helper()
	// -ff: one file per process (no interleaved "unfinished" lines), read
	// in the order the processes were made.
	dir := t.TempDir()
	cmd := exec.Command("strace", append([]string{"-ff", "-qq", "-o", filepath.Join(dir, "strace"), "-e", "signal=none",
		"-e", "trace=unshare,mount,clone,clone3,fork,vfork,execve,openat,write,setns,rt_sigaction,rt_sigprocmask,wait4,kill,setgroups,setgid,setuid,chroot,chdir,fchdir,capset"}, argv...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, _ := cmd.CombinedOutput()
	logs, _ := filepath.Glob(filepath.Join(dir, "strace.*"))
	if len(logs) == 0 {
		t.Fatalf("%v: no strace output\n%s", argv, out)
	}
	lines := processOrder(t, logs)
	var list []string
	for i, line := range lines {
		m := straceLine.FindStringSubmatch(line)
		if i == 0 || m == nil { // the tool's own execve, strace's notes
			continue
		}
		name, args, ret := m[1], m[2], m[3]
		switch name {
		case "clone", "clone3", "fork", "vfork":
			if strings.Contains(args, "CLONE_THREAD") {
				threads = true // Go's runtime started (to report an early failure)
				continue
			}
			name, args, ret = "fork", "", ""
		case "openat":
			if !procFile.MatchString(args) {
				continue
			}
			args = procPID.ReplaceAllString(strings.Replace(args, "|O_CLOEXEC", "", 1), "/proc/PID/")
		case "write":
			if strings.HasPrefix(args, "1,") || strings.HasPrefix(args, "2,") {
				continue
			}
		case "execve":
			args = environAddr.ReplaceAllString(args, "ENV")
		case "rt_sigaction":
			if faultSignal.MatchString(args) {
				continue // the early start's guard (cmd/nstool/internal/early), no step
			}
			if strings.HasPrefix(args, "SIGCHLD, {sa_handler=SIG_DFL,") {
				args = "SIGCHLD, SIG_DFL" // signal(2) or sigaction(2), the same to the program
			}
			args = hexAddr.ReplaceAllString(args, "ADDR")
		case "wait4", "kill":
			args, ret = number.ReplaceAllString(args, "N"), "" // pids
		case "fchdir":
			args = "FD" // util-linux closes the namespace files first, nstool leaves them to O_CLOEXEC
		case "rt_sigprocmask":
			// A block undone at once is no step: glibc's user database
			// lookups (--map-user=NAME) make them.
			if strings.HasPrefix(args, "SIG_SETMASK, [], NULL") && len(list) > 0 &&
				strings.HasPrefix(list[len(list)-1], "rt_sigprocmask(SIG_BLOCK, ") && strings.Contains(list[len(list)-1], ", [], 8)") {
				list = list[:len(list)-1]
				continue
			}
		}
		if name == "openat" || name == "write" {
			ret = ""
		}
		list = append(list, name+"("+args+") "+ret)
	}
	// When the exec failed, what follows is reporting it (by Go's runtime
	// for nstool): leave it out.
	for i := len(list) - 1; i >= 0; i-- {
		if strings.HasPrefix(list[i], "execve(") {
			if strings.Contains(list[i], ") -1 ") {
				list = list[:i+1]
			}
			break
		}
	}
	return strings.Join(list, "\n"), threads
}

// HasEarlyStart: the binary has the early start (it is linked with its
// own entry point on linux/amd64 only), as its --explain says.
func HasEarlyStart(bin string) bool {
	out, _ := exec.Command(bin, "unshare", "--explain", "--mount", "true").CombinedOutput()
	return strings.Contains(string(out), "(the early start;")
}

// RequireEarlyStart skips a test of the early start when the binary has none.
func RequireEarlyStart(t *testing.T, bin string) {
	t.Helper()
	if !HasEarlyStart(bin) {
		t.Skipf("%s has no early start (a plain `go build`, without -E, or not linux/amd64): "+
			"this tests the single-threaded start before Go's runtime", bin)
	}
}

// NsLinks reads /proc/PID/ns/NAME for each name ("mnt", "pid_for_children");
// pid 0 is the caller.
func NsLinks(t *testing.T, pid int, names ...string) map[string]string {
	t.Helper()
	dir := "/proc/self/ns/"
	if pid != 0 {
		dir = "/proc/" + strconv.Itoa(pid) + "/ns/"
	}
	out := map[string]string{}
	for _, n := range names {
		l, err := os.Readlink(dir + n)
		if err != nil {
			t.Fatal(err)
		}
		out[n] = l
	}
	return out
}

// Shape is where a command line's program runs in each start: in place
// (the program is $!) or in a child of nstool.
type Shape struct{ EarlyInPlace, OrdinaryInPlace bool }

// Starts are the environments that pick each start of bin: as it is, and
// with the early start off (the ordinary start, as in a plain `go build`).
var Starts = []string{"", "NSTOOL_EARLY=off"}

// StartInBackground runs `bin VERB ARGS sleep 100 &` with env (one of
// Starts), checks that $! is the sleep exactly when want says the start
// executes in place, and otherwise that the sleep is a child of $! (one
// fork, as util-linux's), and returns the sleep's PID. The early start is
// the one that runs when bin has it (HasEarlyStart) and env does not turn
// it off.
func StartInBackground(t *testing.T, bin, env string, want Shape, verb string, args ...string) int {
	t.Helper()
	argv := append(append([]string{bin, verb}, args...), "sleep", "100")
	bang, prog := Background(t, []string{env}, "sleep", argv...)
	early := env == "" && HasEarlyStart(bin)
	inPlace := want.OrdinaryInPlace
	if early {
		inPlace = want.EarlyInPlace
	}
	if got := bang == prog; got != inPlace {
		t.Errorf("$! is the sleep: %v, want %v (early start: %v)", got, inPlace, early)
	}
	if st, _ := Stat(prog); prog != bang && st.PPid != bang {
		t.Errorf("the sleep's parent is %d, not $! (%d): more than one fork", st.PPid, bang)
	}
	return prog
}

// CompareLines runs each command line (sh words, nstooltest.ShellWords,
// after replace) with util-linux's verb and nstool's (tools as Tools
// returns them) and reports any difference in stdout, stderr (NormStderr)
// and exit status, once with the early start allowed (the binary's
// default) and once with NSTOOL_EARLY=off: both starts must read a command
// line as util-linux does. Standard input is empty, so a shell the
// command starts ends at once.
func CompareLines(t *testing.T, verb string, tools []Tool, replace *strings.Replacer, lines []string) {
	t.Helper()
	for _, line := range lines {
		args := nstooltest.ShellWords(replace.Replace(line))
		t.Run(line, func(t *testing.T) {
			for _, env := range []string{"NSTOOL_EARLY=", "NSTOOL_EARLY=off"} {
				if r := Compare(t, verb, tools, Options{Env: []string{env}}, args...); t.Failed() {
					t.Logf("with %s: nstool %+v", env, r)
					return
				}
			}
		})
	}
}

// CompareVersionLines is CompareLines for command lines with -V or -h:
// util-linux acts on them at their turn, after checking the options before
// them and reading none after. nstool's version line (its own name) counts
// as util-linux's, and its help (its own text) as util-linux's help.
func CompareVersionLines(t *testing.T, verb string, tools []Tool, replace *strings.Replacer, lines []string) {
	t.Helper()
	ulVersion := tools[0].Run(t, Options{}, "-V").Stdout
	for _, line := range lines {
		args := nstooltest.ShellWords(replace.Replace(line))
		t.Run(line, func(t *testing.T) {
			for _, env := range Starts {
				o := Options{Env: []string{env}}
				ul, ns := tools[0].Run(t, o, args...), tools[1].Run(t, o, args...)
				ns.Stderr = NormStderr(verb, ns.Stderr)
				switch {
				case strings.HasPrefix(ns.Stdout, verb+" from nstool ") && strings.Count(ns.Stdout, "\n") == 1:
					ns.Stdout = ulVersion
				case strings.HasPrefix(ul.Stdout, "\nUsage:\n") && strings.Contains(ns.Stdout, "\nUsage:\n"):
					ns.Stdout = ul.Stdout
				}
				if ul != ns {
					t.Errorf("%s %s %q:\nutil-linux %+v\nnstool     %+v", env, verb, args, ul, ns)
				}
			}
		})
	}
}
