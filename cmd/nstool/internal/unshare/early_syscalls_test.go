package unshare

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// The system calls that make an unshare, as strace shows them, without
// what differs only in form: pids, the program's own start (its first
// execve and the files its libraries open), clone's flags and open's
// O_CLOEXEC.
var (
	straceLine  = regexp.MustCompile(`^(?:\[pid +\d+\] |\d+ +)?(\w+)\((.*)\) += (.*)$`)
	environAddr = regexp.MustCompile(`0x[0-9a-f]+ /\* \d+ vars \*/`)
	hexAddr     = regexp.MustCompile(`0x[0-9a-f]+`)
	number      = regexp.MustCompile(`\b\d+\b`)
	idMapFile   = regexp.MustCompile(`"/proc/self/(uid_map|gid_map|setgroups)"`)
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

func unshareCalls(t *testing.T, argv ...string) (calls string, threads bool) {
	t.Helper()
	// -ff: one file per process (no interleaved "unfinished" lines), read
	// in the order the processes were made.
	dir := t.TempDir()
	cmd := exec.Command("strace", append([]string{"-ff", "-qq", "-o", filepath.Join(dir, "strace"), "-e", "signal=none",
		"-e", "trace=unshare,mount,clone,clone3,fork,vfork,execve,openat,write,setns,rt_sigaction,rt_sigprocmask,wait4,kill"}, argv...)...)
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
			if !idMapFile.MatchString(args) {
				continue
			}
			args = strings.Replace(args, "|O_CLOEXEC", "", 1)
		case "write":
			if strings.HasPrefix(args, "1,") || strings.HasPrefix(args, "2,") {
				continue
			}
		case "execve":
			args = environAddr.ReplaceAllString(args, "ENV")
		case "rt_sigaction":
			if strings.HasPrefix(args, "SIGCHLD, {sa_handler=SIG_DFL,") {
				args = "SIGCHLD, SIG_DFL" // signal(2) or sigaction(2), the same to the program
			}
			args = hexAddr.ReplaceAllString(args, "ADDR")
		case "wait4", "kill":
			args, ret = number.ReplaceAllString(args, "N"), "" // pids
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

// The early start makes util-linux unshare's system calls, in its order,
// in as many processes (no Go runtime threads, one fork for --fork).
func TestEarlyStartSyscallsAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	t.Setenv("NSTOOL_EARLY", "")
	os.Unsetenv("NSTOOL_EARLY")
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	tools := nsexectest.Tools(t, "unshare")
	for _, args := range []string{
		"--mount true",
		"--fork --pid --mount-proc true",
		"--user --map-root-user --mount true",
		"-m --propagation=shared true",
		"-mf --propagation unchanged --mount-proc true",
		"--propagation=slave --mount-proc -p -f true",
		"-c -m true",
		"-muinpCT -f true",
		"-Urf sh -c true",
		"-m no-such-program", // the Go runtime starts only to say so
	} {
		ul, _ := unshareCalls(t, append(tools[0].Argv, strings.Fields(args)...)...)
		ns, threads := unshareCalls(t, append(tools[1].Argv, strings.Fields(args)...)...)
		if ul != ns {
			t.Errorf("unshare %s: util-linux\n%s\nnstool\n%s", args, ul, ns)
		}
		if threads != strings.Contains(args, "no-such") {
			t.Errorf("unshare %s: Go's runtime threads: %v", args, threads)
		}
	}
}

// What the ordinary start does, the early start does: the same output,
// exit status and namespaces for the shapes it takes, and the same message
// when it fails after making namespaces.
func TestEarlyStartAsTheOrdinaryStart(t *testing.T) {
	nstest.RequireRoot(t)
	bin := nstest.Binary(t)
	t.Setenv("NSTOOL_EARLY", "") // restored after the test,
	os.Unsetenv("NSTOOL_EARLY")  // and meanwhile the early start is on
	plain, script := testFiles(t)
	// (The process count is a glob, made by the shell itself: a command
	// substitution would count its own fork now and then.)
	probe := `[ $$ = 1 ] && set -- /proc/[0-9]* && echo "init of $# processes"; ` +
		`cat /proc/self/uid_map /proc/self/gid_map; id -u; grep -c . /proc/self/mountinfo; ` +
		`grep -c shared: /proc/self/mountinfo; readlink /proc/self/ns/pid_for_children | grep -c .`
	for _, argv := range [][]string{
		{"--mount", "sh", "-c", probe},
		{"--fork", "--pid", "--mount-proc", "sh", "-c", probe},
		{"--user", "--map-root-user", "--mount", "sh", "-c", probe},
		{"-c", "--mount", "sh", "-c", probe},
		{"-Urfp", "--mount-proc", "sh", "-c", probe},
		{"--propagation=shared", "-m", "sh", "-c", probe},
		{"-m", "sh", "-c", "exit 7"},
		{"-mf", "sh", "-c", "kill -TERM $$"},
		{"-m", "no-such-program"},
		{"-f", "./no-such-program"},
		{"-m", plain},
		{"-Ur", plain},
		{"-m", script, "a"},
		{"-Urf", script},
		{"-mpf", "no-such-program"},
		{"-cr", "id", "-u"},
	} {
		early := nsexectest.Tool{Name: "early", Argv: []string{bin, "unshare"}}.Run(t, nsexectest.Options{}, argv...)
		ordinary := nsexectest.Tool{Name: "ordinary", Argv: []string{bin, "unshare"}}.Run(t,
			nsexectest.Options{Env: []string{"NSTOOL_EARLY=off"}}, argv...)
		if early != ordinary {
			t.Errorf("unshare %q:\nearly    %+v\nordinary %+v", argv, early, ordinary)
		}
	}
}
