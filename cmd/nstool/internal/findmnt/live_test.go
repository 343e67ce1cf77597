package findmnt_test

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/root"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// liveTree builds, in the test's throwaway mount namespace, one mount in
// every propagation state (mount_namespaces(7)) plus binds, submounts and
// names with a space, a tab and a backslash. It returns the base path.
func liveTree(t *testing.T) string {
	t.Helper()
	base := nstest.Tmpfs(t)
	mkdir := func(p string) string {
		full := filepath.Join(base, p)
		if err := os.MkdirAll(full, 0o755); err != nil {
			t.Fatal(err)
		}
		return full
	}
	for _, d := range []string{"shared", "peer", "slave", "shared+slave", "private", "unbindable", "with space", "tab\tname", `back\slash`, "subbind", "flags"} {
		mkdir(d)
	}
	shared := filepath.Join(base, "shared")
	nstest.Mount(t, "src", shared, "tmpfs", 0, "size=1m")
	nstest.Mount(t, "", shared, "", unix.MS_SHARED, "")
	if err := os.MkdirAll(filepath.Join(shared, "sub/dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	nstest.Mount(t, shared, filepath.Join(base, "peer"), "", unix.MS_BIND, "")
	nstest.Mount(t, shared, filepath.Join(base, "slave"), "", unix.MS_BIND, "")
	nstest.Mount(t, "", filepath.Join(base, "slave"), "", unix.MS_SLAVE, "")
	nstest.Mount(t, shared, filepath.Join(base, "shared+slave"), "", unix.MS_BIND, "")
	nstest.Mount(t, "", filepath.Join(base, "shared+slave"), "", unix.MS_SLAVE, "")
	nstest.Mount(t, "", filepath.Join(base, "shared+slave"), "", unix.MS_SHARED, "")
	nstest.Mount(t, shared, filepath.Join(base, "private"), "", unix.MS_BIND, "")
	nstest.Mount(t, "", filepath.Join(base, "private"), "", unix.MS_PRIVATE, "")
	nstest.Mount(t, "unb", filepath.Join(base, "unbindable"), "tmpfs", 0, "size=1m")
	nstest.Mount(t, "", filepath.Join(base, "unbindable"), "", unix.MS_UNBINDABLE, "")
	nstest.Mount(t, "spaced source", filepath.Join(base, "with space"), "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "size=2m,mode=700")
	mkdir("with space/inner")
	nstest.Mount(t, "inner", filepath.Join(base, "with space/inner"), "tmpfs", unix.MS_RDONLY, "size=1m")
	nstest.Mount(t, "tabbed", filepath.Join(base, "tab\tname"), "tmpfs", 0, "size=1m")
	nstest.Mount(t, `back\src`, filepath.Join(base, `back\slash`), "tmpfs", 0, "size=1m")
	// a bind of a subdirectory: SOURCE shows src[/sub/dir]
	nstest.Mount(t, filepath.Join(shared, "sub/dir"), filepath.Join(base, "subbind"), "", unix.MS_BIND, "")
	// a mount propagated into the peer and the slaves, and an over-mount
	mkdir("shared/inner")
	nstest.Mount(t, "prop", filepath.Join(shared, "inner"), "tmpfs", 0, "size=1m")
	nstest.Mount(t, "over", filepath.Join(base, "private"), "tmpfs", 0, "size=1m")
	// every per-mount flag --vfs-all words otherwise
	nstest.Mount(t, "flags", filepath.Join(base, "flags"), "tmpfs",
		unix.MS_NOEXEC|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_SYNCHRONOUS|unix.MS_DIRSYNC|unix.MS_NOATIME|unix.MS_NODIRATIME|unix.MS_LAZYTIME|unix.MS_NOSYMFOLLOW, "size=1m")
	return base
}

// TestLiveDifferential compares nstool findmnt with util-linux findmnt,
// byte for byte, on the live mount table of the test's namespace.
func TestLiveDifferential(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireCommands(t, "findmnt")
	base := liveTree(t)
	pid := strconv.Itoa(os.Getpid())
	argsets := [][]string{
		{"-R", base},
		{"-R", base, "-l"},
		{"-R", base, "-r"},
		{"-R", base, "-P"},
		{"-R", base, "-J"},
		{"-R", base, "-o", "TARGET,SOURCE,FSTYPE,PROPAGATION,OPT-FIELDS"},
		{"-R", base, "-o", "+ID,PARENT,MAJ:MIN,FSROOT,VFS-OPTIONS,FS-OPTIONS", "-J"},
		{"-R", base, "-D"},
		{"-R", base, "-D", "-b"},
		{"-R", base, "-o", "TARGET,SIZE,AVAIL,USED,USE%", "-l"},
		{"-R", base, "-o", "TARGET,SIZE,AVAIL,USED,USE%", "-J", "-b"},
		{"-R", base, "-v", "-a"},
		{"-R", base, "-n", "-u"},
		{"-R", base, "-N", pid, "-o", "+TID"},
		{"-R", base, "--shadowed"},
		{"-R", base, "-O", "ro", "-l"},
		{"-l", "-t", "tmpfs", "-O", "nosuid"},
		{"-t", "tmpfs"},
		{},
		{"-l"},
		{"-J"},
		{"--real"},
		{"--pseudo", "-l"},
		{filepath.Join(base, "shared")},
		{"-T", filepath.Join(base, "shared/sub/dir")},
		{"-M", filepath.Join(base, "peer")},
		{"spaced source"},
		{"-S", "src", "-o", "TARGET,PROPAGATION"},
		{"-f", "src"},
		{"-d", "backward", "-f", "src"},
		{"-y", "-P", "-R", base},
		{"-R", base, "-o", "TARGET,PROPAGATION", "-i", "-t", "tmpfs"},
		{"-N", "999999999"},
		{"-F", "/nonexistent/mountinfo"},
		{"-F", base},
		{"-R", base, "--vfs-all", "-o", "TARGET,VFS-OPTIONS,OPTIONS"},
		{"-R", base, "--vfs-all", "-J", "-o", "TARGET,VFS-OPTIONS"},
		// SOURCES is an array in JSON; --poll's columns need --poll.
		{"-R", base, "-J", "-o", "TARGET,SOURCES"},
		{"-R", base, "-J", "--tree", "-o", "SOURCES,TARGET,SOURCE"},
		// without TARGET no column draws the tree: JSON is a list then
		{"-R", base, "-J", "-o", "SOURCE,FSTYPE"},
		{"-J", "-o", "ID,PARENT,PROPAGATION"},
		{"-R", base, "-o", "SOURCE,ID"},
		// -y's header names are wider than the columns sized for -o's:
		// the last cell runs on, a right-aligned one never breaks a line
		{"-R", base, "-y", "-l", "-o", "TARGET,MAJ:MIN,USE%"},
		{"-R", base, "-y", "-o", "USE%,TARGET"},
		{"-R", base, "-y", "-D"},
		// --tree keeps the art in -P's values
		{"-R", base, "--tree", "-P"},
		{"-R", base, "--tree", "-P", "-o", "SOURCE,TARGET"},
		{"-R", base, "-o", "ACTION"},
		{"-o", "TARGET,OLD-TARGET,ACTION", "/"},
		{"-o", "+OLD-OPTIONS", "-J"},
		{"-o", "ACTION,NOSUCH"},
	}
	for _, loc := range []string{"C", "C.UTF-8"} {
		for _, args := range argsets {
			name := loc + " " + strings.Join(args, " ")
			t.Run(name, func(t *testing.T) {
				ul := runUtilLinux(t, loc, args)
				ns := runNstool(t, loc, args)
				if ul.String() != ns.String() {
					t.Errorf("findmnt %q (LC_ALL=%s)\n--- nstool\n%s--- util-linux\n%s", args, loc, ns, ul)
				}
				if ul.rc == 0 && len(args) > 0 && strings.Contains(strings.Join(args, " "), "-J") && !json.Valid([]byte(ns.stdout)) {
					t.Errorf("invalid JSON:\n%s", ns.stdout)
				}
			})
		}
	}
}

// TestLivePeerGroups checks nstool's own columns against the kernel: the
// peer and the shared mount are in one group, the slave's master is that
// group, the shared+slave mount has a group of its own and the same master.
func TestLivePeerGroups(t *testing.T) {
	nstest.RequireRoot(t)
	base := liveTree(t)
	got := runNstool(t, "C", []string{"-R", base, "-r", "-n", "-o", "TARGET,PEER-GROUP,MASTER,PROPAGATION"})
	if got.rc != 0 {
		t.Fatalf("rc=%d: %s", got.rc, got.stderr)
	}
	row := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(got.stdout), "\n") {
		f := strings.Split(line, " ")
		row[strings.TrimPrefix(f[0], base)] = f[1:]
	}
	group := row["/shared"][0]
	if group == "" {
		t.Fatalf("/shared has no peer group: %q", row["/shared"])
	}
	checks := map[string][3]string{
		"/peer":         {group, "", "shared"},
		"/slave":        {"", group, "private,slave"},
		"/private":      {"", "", "private"},
		"/unbindable":   {"", "", "private,unbindable"},
		"/shared/inner": {row["/shared/inner"][0], "", "shared"},
	}
	for target, want := range checks {
		if g := row[target]; len(g) != 3 || g[0] != want[0] || g[1] != want[1] || g[2] != want[2] {
			t.Errorf("%s: got %q, want %q", target, g, want)
		}
	}
	if ss := row["/shared+slave"]; ss[0] == "" || ss[0] == group || ss[1] != group || ss[2] != "shared,slave" {
		t.Errorf("/shared+slave: got %q, want a new group, master %s", ss, group)
	}
	// the mount under /shared propagated to the peer and the slave
	for _, p := range []string{"/peer/inner", "/slave/inner"} {
		if _, ok := row[p]; !ok {
			t.Errorf("%s: the mount did not propagate (table:\n%s)", p, got.stdout)
		}
	}
}

// TestColor: on a terminal PROPAGATION is coloured; in a pipe, with
// --color=never, or with NO_COLOR, it is not.
func TestColor(t *testing.T) {
	nstest.RequireRoot(t)
	base := liveTree(t)
	args := []string{"findmnt", "-R", base, "-o", "TARGET,PROPAGATION"}
	run := func(tty bool, extra ...string) string {
		ios, _, out, _ := cli.Test()
		ios.SetStdoutTTY(tty)
		ios.SetTerminalWidth(120)
		if rc := root.Run(ios, root.NewCmd(ios), append(append([]string{}, extra...), args...)); rc != 0 {
			t.Fatalf("rc=%d", rc)
		}
		return out.String()
	}
	tty := run(true)
	for _, want := range []string{"\x1b[32mshared", "\x1b[33mprivate,slave", "\x1b[31mprivate,unbindable"} {
		if !strings.Contains(tty, want) {
			t.Errorf("TTY output lacks %q:\n%s", want, tty)
		}
	}
	for name, out := range map[string]string{"pipe": run(false), "--color=never": run(true, "--color=never")} {
		if strings.Contains(out, "\x1b[") {
			t.Errorf("%s output has colour:\n%q", name, out)
		}
	}
	if always := run(false, "--color=always"); !strings.Contains(always, "\x1b[32mshared") {
		t.Errorf("--color=always output has no colour:\n%q", always)
	}

	// A real terminal, through script(1): NO_COLOR turns colour off.
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script(1) is not installed: no pseudo-terminal to test with")
	}
	bin := nstooltest.Binary(t)
	cmdline := bin + " findmnt -R '" + base + "' -o TARGET,PROPAGATION"
	withTTY := func(env ...string) string {
		cmd := exec.Command("script", "-qec", cmdline, "/dev/null")
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("script: %v", err)
		}
		return string(out)
	}
	if out := withTTY("NO_COLOR="); !strings.Contains(out, "\x1b[32mshared") {
		t.Errorf("terminal output has no colour:\n%q", out)
	}
	if out := withTTY("NO_COLOR=1"); strings.Contains(out, "\x1b[3") {
		t.Errorf("NO_COLOR=1 output has colour:\n%q", out)
	}
}

// TestTerminalWidth: on a terminal both tools fit the table to its width
// the same way (truncated OPTIONS, extreme cells pushed to a new line).
func TestTerminalWidth(t *testing.T) {
	nstest.RequireCommands(t, "script", "findmnt", "stty")
	bin := nstooltest.Binary(t)
	tab, err := filepath.Abs("testdata/mountinfo-lab")
	if err != nil {
		t.Fatal(err)
	}
	for _, cols := range []string{"50", "70", "100", "200"} {
		// SOURCES wraps at newlines only: never narrowed, never cut
		for _, args := range []string{"", "-l", "-o +PROPAGATION,ID", "-o TARGET,SOURCES,FSTYPE,OPTIONS", "-o SOURCES,TARGET -l"} {
			show := func(cmd string) string {
				c := exec.Command("script", "-qec", "stty cols "+cols+"; "+cmd+" "+args+" -F "+tab, "/dev/null")
				c.Env = append(os.Environ(), "NO_COLOR=1", "LC_ALL=C.UTF-8")
				out, err := c.Output()
				if err != nil {
					t.Fatalf("%s: %v", cmd, err)
				}
				return string(out)
			}
			ul, ns := show("findmnt"), show(bin+" findmnt")
			if ul != ns {
				t.Errorf("%s columns, findmnt %s:\n--- nstool\n%s--- util-linux\n%s", cols, args, ns, ul)
			}
		}
	}
}

// TestTaskNamespace: -N PID shows another mount namespace's table, the
// same as util-linux does, including the mounts only that namespace has.
func TestTaskNamespace(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireCommands(t, "findmnt", "unshare")
	base := liveTree(t)
	// A process in a namespace of its own with one more mount; it waits on
	// its stdin, so closing the pipe (or the test dying) ends it.
	cmd := exec.Command("unshare", "--mount", "--propagation", "unchanged", "sh", "-c",
		`mount -t tmpfs only-there "$1/private" && echo ready && read x`, "sh", base)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	buf := make([]byte, 6)
	if _, err := io.ReadFull(stdout, buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("the namespace did not start: %q %v", buf, err)
	}
	pid := strconv.Itoa(cmd.Process.Pid)
	for _, args := range [][]string{{"-N", pid, "-R", base}, {"-N", pid, "-l", "-o", "TARGET,SOURCE,PROPAGATION,TID"}, {"-N", pid, "-J", "-S", "only-there"}} {
		ul, ns := runUtilLinux(t, "C", args), runNstool(t, "C", args)
		if ul.String() != ns.String() {
			t.Errorf("findmnt %q\n--- nstool\n%s--- util-linux\n%s", args, ns, ul)
		}
		if !strings.Contains(ns.stdout, "only-there") {
			t.Errorf("findmnt %q does not show the namespace's own mount:\n%s", args, ns.stdout)
		}
	}
}

// TestEmptySourceAsUtilLinux: an empty -S or SOURCE argument is the
// source "", which libmount finds in a mount whose source is empty
// (mount -t tmpfs "" DIR); a lone "" that matches no source is the root.
func TestEmptySourceAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireCommands(t, "findmnt")
	base := nstest.Tmpfs(t)
	for _, mounted := range []bool{false, true} {
		dir := filepath.Join(base, "empty")
		if mounted {
			nstest.Mount(t, "", dir, "tmpfs", 0, "size=1m")
		} else if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"-S", ""}, {""}, {"-S", "", "-l"}, {"-S", "", "-f"}, {"", dir}, {"-f", ""}, {"", "-l"}, {"", ""},
			{"-S", "", "-T", dir}, {"", "-R"}, {"-S", "", "-t", "tmpfs"}, {"", "/", "-f"},
		} {
			name := strconv.FormatBool(mounted) + " " + strings.Join(args, " ")
			t.Run(name, func(t *testing.T) { sameAsUtilLinux(t, args...) })
		}
	}
}
