package unshare

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// compareTools runs args with util-linux and nstool and reports a difference.
func compareTools(t *testing.T, tools []nsexectest.Tool, o nsexectest.Options, args ...string) {
	t.Helper()
	nsexectest.Compare(t, "unshare", tools, o, args...)
}

// The program is found and run as glibc's execvp(3) does for util-linux: a
// file without #! is run by /bin/sh, a path through a non-directory fails
// with ENOTDIR (126), an empty $SHELL is executed as "" (127), and, in the
// shapes the early start takes too, a waiting parent does not lose its
// child to an inherited SIGCHLD = SIG_IGN.
func TestProgramAsExecvp(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "unshare")
	plain, script := testFiles(t)
	for _, args := range [][]string{
		{"-m", script, "a", "b"},
		{"-m", script},
		{"-mf", script, "x"},
		{"--user", "--map-root-user", script, "a"},
		// the ordinary start: in place, a child, a fork
		{"-m", "--wd", "/", script, "a"},
		{"-U", "--setgroups=deny", script, "a"},
		{"-m", "--kill-child", script},
		{"-m", plain},
		{"-m", "--wd", "/", plain},
		{"-m", plain + "/x"},
		{"-m", ""},
		{"-m", "--wd", "/", ""},
		{"-mpf", "no-such-program-nstool"},
		{"-Urpf", "no-such-program-nstool"},
		{"-p", "no-such-program-nstool"},
		{"-p", "/etc"},
		append([]string{"-m", script}, strings.Fields(strings.Repeat("arg ", 1100))...), // past early's memory
	} {
		compareTools(t, tools, nsexectest.Options{}, args...)
	}
	// bash, unlike dash, really ignores SIGCHLD for `trap '' CHLD`, and exec keeps it so.
	for _, args := range [][]string{{"-mf", "sh", "-c", "exit 3"}, {"-m", "grep", "SigIgn", "/proc/self/status"}} {
		compareTools(t, underBash("trap '' CHLD", tools), nsexectest.Options{}, args...)
	}
	t.Setenv("SHELL", "")
	compareTools(t, tools, nsexectest.Options{}, "-m")
	// Through $PATH, the last error counts (here ENOENT after ENOTDIR: 127).
	for i := range tools {
		path, err := exec.LookPath(tools[i].Argv[0])
		if err != nil {
			t.Fatal(err)
		}
		tools[i].Argv = append([]string{path}, tools[i].Argv[1:]...)
	}
	t.Setenv("PATH", plain+":/nonexistent-nstool")
	for _, args := range [][]string{{"-m", "prog"}, {"-m", "--wd", "/", "prog"}, {"-U", "--setgroups=deny", "prog"}} {
		compareTools(t, tools, nsexectest.Options{}, args...)
	}
}

// testFiles makes a file that cannot be executed (0644) and a script
// without #! (0755) for execvp's cases.
func testFiles(t *testing.T) (plain, script string) {
	t.Helper()
	dir := t.TempDir()
	plain, script = filepath.Join(dir, "plain"), filepath.Join(dir, "script")
	if err := os.WriteFile(plain, []byte("echo plain\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, []byte("echo \"from sh: $0 $*\"; exit 4\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return plain, script
}

// underBash runs each tool from bash after setup, by exec.
func underBash(setup string, tools []nsexectest.Tool) []nsexectest.Tool {
	var out []nsexectest.Tool
	for _, tl := range tools {
		out = append(out, nsexectest.Tool{Name: tl.Name,
			Argv: []string{"bash", "-c", setup + `; exec "$@"`, "bash"}})
		out[len(out)-1].Argv = append(out[len(out)-1].Argv, tl.Argv...)
	}
	return out
}

// The program gets the RLIMIT_NOFILE nstool was started with, although Go
// raised nstool's own, in every process shape: the early start, in place,
// a child, a fork. (A binary without the early start's entry point, as on
// other architectures than amd64, has no record of it: its children get
// their parent's limit, a guess; only in place does syscall.Exec know.)
func TestProgramKeepsNofileLimit(t *testing.T) {
	nstest.RequireRoot(t)
	plain := nsexectest.Tools(t, "unshare")
	tools := underBash("ulimit -Sn 100", plain)
	shapes := [][]string{{"-m"}, {"-m", "--wd", "/"}}
	if nsexectest.HasEarlyStart(plain[1].Argv[0]) {
		shapes = append(shapes, []string{"-U", "--setgroups=deny"}, []string{"-m", "--kill-child"}, []string{"-mf"})
	} else {
		t.Logf("%s has no early start: children's limit not checked", plain[1].Argv[0])
	}
	for _, args := range shapes {
		compareTools(t, tools, nsexectest.Options{}, append(args, "sh", "-c", "ulimit -n")...)
	}
}

// Of -r, -c, --map-user and --map-group, the last one that sets the uid
// (or the gid) wins, as in util-linux.
func TestMapOptionsLastWins(t *testing.T) {
	tools := nsexectest.ForNobody(t, nsexectest.Tools(t, "unshare"))
	o := nsexectest.Options{Cred: nsexectest.Unprivileged()}
	for _, args := range [][]string{
		{"-cr"}, {"-rc"}, {"-c", "-r"}, {"--map-user=5", "-r"}, {"-r", "--map-user=5"},
		{"-c", "--map-group=0", "--map-user=0"}, {"--map-current-user", "--map-root-user"},
		{"--map-user=nosuchuser-nstool", "--map-user=0"},
	} {
		compareTools(t, tools, o, append(args, "sh", "-c", "id -u; id -g")...)
	}
}
