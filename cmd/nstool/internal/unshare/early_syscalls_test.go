package unshare

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// The early start makes util-linux unshare's system calls, in its order,
// in as many processes (no Go runtime threads, one fork for --fork).
func TestEarlyStartSyscallsAsUtilLinux(t *testing.T) {
	tools := nsexectest.EarlyTools(t, "unshare")
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
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
		"--map-user=0 -m true",
		"--map-group=0 --map-user=0 true",
		"--map-user=root -c true",
		"-U --setgroups=deny true",
		"-Ur --keep-caps true",
		"-T --monotonic=5 --boottime=-3 true",
		"-Tf --boottime 3 true",
		"-m -R / -w /tmp true",
		"-Ur -S 0 true",
		"--mount-proc=/tmp --propagation=shared true",
		"-m no-such-program", // the Go runtime starts only to say so
	} {
		ul, _ := nsexectest.Syscalls(t, append(tools[0].Argv, strings.Fields(args)...)...)
		ns, threads := nsexectest.Syscalls(t, append(tools[1].Argv, strings.Fields(args)...)...)
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
	bin := nstooltest.RootBinary(t)
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
