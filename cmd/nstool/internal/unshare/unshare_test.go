package unshare_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

var procPIDs = regexp.MustCompile(`/proc/[0-9]+/(task/[0-9]+/)?`)

// TestExitCodesAndErrors: the program's status, util-linux's codes and
// one-line messages for bad input, death by the child's signal.
func TestExitCodesAndErrors(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "unshare")
	for _, args := range [][]string{
		{"sh", "-c", "exit 7"},
		{"--mount", "sh", "-c", "exit 3"},
		{"--fork", "sh", "-c", "exit 5"},
		{"--user", "--map-root-user", "sh", "-c", "exit 9"},
		{"--user", "--map-root-user", "--fork", "sh", "-c", "exit 11"},
		{"--fork", "sh", "-c", "kill -TERM $$"},
		{"--fork", "--pid", "sh", "-c", "kill -KILL $$"}, // PID 1 ignores signals without a handler, except SIGKILL
		{"--user", "--map-root-user", "--fork", "sh", "-c", "kill -TERM $$"},
		{"nosuchprogram-nstool"},
		{"--mount", "/etc/passwd"},
		{"--propagation", "sideways", "true"},
		{"--mount", "--wd", "/nonexistent-nstool", "true"},
		{"--mount", "--root", "/nonexistent-nstool", "true"},
		{"--map-user", "nosuchuser-nstool", "true"},
		{"--map-group", "nosuchgroup-nstool", "true"},
		{"--setuid", "abc", "true"},
		{"--kill-child=NOSUCHSIG", "true"},
		{"--setgroups", "maybe", "true"},
		{"--monotonic", "5", "true"},
		{"--user", "--setgroups=allow", "--map-group=0", "true"},
		{"--pid=/nonexistent-nstool/file", "true"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			ul := tools[0].Run(t, nsexectest.Options{}, args...)
			ns := tools[1].Run(t, nsexectest.Options{}, args...)
			ns.Stderr = nsexectest.NormStderr("unshare", ns.Stderr)
			// nstool made the namespace on a thread: /proc/PID/task/TID/ns/...
			ul.Stderr, ns.Stderr = procPIDs.ReplaceAllString(ul.Stderr, "/proc/PID/"), procPIDs.ReplaceAllString(ns.Stderr, "/proc/PID/")
			if ul != ns {
				t.Errorf("\nutil-linux %+v\nnstool     %+v", ul, ns)
			}
			if n := strings.Count(ns.Stderr, "\n"); n > 1 {
				t.Errorf("want at most one line on stderr, got %d: %q", n, ns.Stderr)
			}
		})
	}
}

// TestRootlessWithoutUser: non-root without --user is refused as util-linux
// refuses it, plus a hint.
func TestRootlessWithoutUser(t *testing.T) {
	tools := nsexectest.ForNobody(t, nsexectest.Tools(t, "unshare"))
	o := nsexectest.Options{Cred: nsexectest.Unprivileged()}
	ul := tools[0].Run(t, o, "--mount", "true")
	ns := tools[1].Run(t, o, "--mount", "true")
	if !strings.Contains(ns.Stderr, "--user --map-root-user") {
		t.Errorf("no hint: %q", ns.Stderr)
	}
	ns.Stderr = nsexectest.NormStderr("unshare", ns.Stderr)
	if ul != ns || ns.Code != 1 {
		t.Errorf("\nutil-linux %+v\nnstool     %+v", ul, ns)
	}
}

// TestRootlessWritesAsUtilLinux: a /proc/self file that cannot be opened
// (--setgroups without --user, as non-root) is util-linux's "cannot open
// FILE", one that cannot be written its "write failed FILE", in both
// starts.
func TestRootlessWritesAsUtilLinux(t *testing.T) {
	tools := nsexectest.ForNobody(t, nsexectest.Tools(t, "unshare"))
	for _, args := range [][]string{
		{"--setgroups=deny", "true"}, {"--setgroups=allow", "-S", "0", "true"}, {"-U", "--setgroups=allow", "true"},
		{"-r", "--setgroups=deny", "true"}, {"-U", "--map-user=1", "true"}, {"-U", "--map-group=1", "true"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			for _, env := range nsexectest.Starts {
				nsexectest.Compare(t, "unshare", tools, nsexectest.Options{Cred: nsexectest.Unprivileged(), Env: []string{env}}, args...)
			}
		})
	}
}

func nsInode(t *testing.T, path string) string {
	t.Helper()
	l, err := os.Readlink(path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestNamespaceTypes: each flag gives a new namespace of its type (and only
// that one), and the program sees what util-linux's sees.
func TestNamespaceTypes(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "unshare")
	all := []string{"mnt", "uts", "ipc", "net", "pid", "user", "cgroup", "time"}
	mine := map[string]string{}
	for _, ns := range all {
		mine[ns] = nsInode(t, "/proc/self/ns/"+ns)
	}
	// --pid and --time move only the children: look with --fork.
	for _, c := range []struct {
		flag, ns string
		probe    string // more shell whose output must match util-linux's
	}{
		{"--mount", "mnt", ""},
		{"--uts", "uts", "hostname nstool-test; hostname"},
		{"--ipc", "ipc", "cat /proc/sysvipc/shm | wc -l"},
		{"--net", "net", "cat /proc/net/dev | cut -d: -f1"},
		{"--pid", "pid", "echo $$"},
		{"--user", "user", "cat /proc/self/uid_map"},
		{"--cgroup", "cgroup", "cat /proc/self/cgroup"},
		{"--time", "time", ""},
	} {
		t.Run(c.flag, func(t *testing.T) {
			script := `for n in ` + strings.Join(all, " ") + `; do echo "$n $(readlink /proc/self/ns/$n)"; done; ` + c.probe
			var outs []string
			for _, tool := range tools {
				r := tool.Run(t, nsexectest.Options{}, c.flag, "--fork", "sh", "-c", script)
				if r.Code != 0 || r.Stderr != "" {
					t.Fatalf("%s: %+v", tool.Name, r)
				}
				lines := strings.Split(r.Stdout, "\n")
				var probe []string
				for _, l := range lines {
					f := strings.Fields(l)
					if len(f) == 2 && mine[f[0]] != "" && strings.HasPrefix(f[1], f[0]+":") {
						changed := f[1] != mine[f[0]]
						if changed != (f[0] == c.ns) {
							t.Errorf("%s %s: %s namespace changed=%v", tool.Name, c.flag, f[0], changed)
						}
						continue
					}
					probe = append(probe, l)
				}
				outs = append(outs, strings.Join(probe, "\n"))
			}
			if outs[0] != outs[1] {
				t.Errorf("probe differs:\nutil-linux %q\nnstool     %q", outs[0], outs[1])
			}
		})
	}
	if h, _ := os.Hostname(); h == "nstool-test" {
		t.Errorf("the hostname set in a new uts namespace leaked out")
	}
}

// TestTimeOffsets: --boottime shifts CLOCK_BOOTTIME (/proc/uptime) by the
// offset for the forked child, as with util-linux.
func TestTimeOffsets(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "unshare")
	for _, tool := range tools {
		r := tool.Run(t, nsexectest.Options{}, "--time", "--boottime", "864000", "--monotonic", "864000", "--fork",
			"sh", "-c", "cut -d. -f1 /proc/uptime")
		up, err := strconv.Atoi(strings.TrimSpace(r.Stdout))
		if err != nil || r.Code != 0 {
			t.Fatalf("%s: %+v", tool.Name, r)
		}
		if up < 864000 {
			t.Errorf("%s: uptime %d in a time namespace with a 10-day boottime offset", tool.Name, up)
		}
	}
}

// TestForkPidMountProc: the program is PID 1 and /proc shows only its
// namespace; and the proc mount does not leak to the parent.
func TestForkPidMountProc(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "unshare")
	// Builtins only, so that no other process is running during the glob.
	script := `echo "pid $$"; echo /proc/[0-9]*; readlink /proc/1/exe`
	var outs []string
	for _, tool := range tools {
		for _, extra := range [][]string{nil, {"--user", "--map-root-user"}, {"--propagation=shared"}} {
			args := append(append([]string{}, extra...), "--fork", "--pid", "--mount-proc", "sh", "-c", script)
			r := tool.Run(t, nsexectest.Options{}, args...)
			if r.Code != 0 {
				t.Fatalf("%s %v: %+v", tool.Name, args, r)
			}
			if !strings.HasPrefix(r.Stdout, "pid 1\n/proc/1\n") {
				t.Errorf("%s %v: not PID 1 or /proc of another namespace:\n%s", tool.Name, args, r.Stdout)
			}
			outs = append(outs, fmt.Sprint(extra, r.Stdout))
		}
	}
	for i := 0; i < 3; i++ {
		if outs[i] != outs[i+3] {
			t.Errorf("util-linux and nstool differ:\n%s\n%s", outs[i], outs[i+3])
		}
	}
}

// TestPidWithoutFork: the program stays outside the new pid namespace, its
// first child is PID 1 there.
func TestPidWithoutFork(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "unshare")
	mine := nsInode(t, "/proc/self/ns/pid")
	for _, tool := range tools {
		for _, extra := range [][]string{nil, {"--user", "--map-root-user"}} {
			// Only builtins in the program: its first child is the
			// namespace's init, and when it ends no other can be made.
			args := append(append([]string{}, extra...), "--pid", "sh", "-c",
				`echo $$; sh -c 'echo $$; readlink /proc/self/ns/pid'`)
			r := tool.Run(t, nsexectest.Options{}, args...)
			lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
			if r.Code != 0 || len(lines) != 3 {
				t.Fatalf("%s %v: %+v", tool.Name, args, r)
			}
			if lines[0] == "1" || lines[1] != "1" || lines[2] == mine {
				t.Errorf("%s %v: program's PID %s, first child's PID %s in pid ns %s (ours %s)",
					tool.Name, args, lines[0], lines[1], lines[2], mine)
			}
		}
	}
}

// TestPersist: --mount=FILE and --uts=FILE keep the namespaces on files
// that util-linux nsenter can enter.
func TestPersist(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	dir := t.TempDir() // in the test's private namespace: not shared
	mnt, uts := filepath.Join(dir, "mnt"), filepath.Join(dir, "uts")
	for _, f := range []string{mnt, uts} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			for syscall.Unmount(f, syscall.MNT_DETACH) == nil {
			}
		})
	}
	for _, extra := range [][]string{nil, {"--fork"}, {"--user", "--map-root-user"}} {
		t.Run(fmt.Sprint(extra), func(t *testing.T) {
			args := append(append([]string{"unshare"}, extra...), "--mount="+mnt, "--uts="+uts,
				"sh", "-c", "hostname persisted; readlink /proc/self/ns/mnt")
			r := nsexectest.Tool{Name: "nstool", Argv: []string{bin}}.Run(t, nsexectest.Options{}, args...)
			if r.Code != 0 {
				t.Fatalf("%+v", r)
			}
			var st syscall.Stat_t
			if err := syscall.Stat(mnt, &st); err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("mnt:[%d]", st.Ino); strings.TrimSpace(r.Stdout) != want {
				t.Errorf("the program's mount namespace is %s; the file holds %s", r.Stdout, want)
			}
			out := nsexectest.Tool{Name: "nsenter", Argv: []string{"nsenter"}}.Run(t, nsexectest.Options{},
				"--uts="+uts, "--mount="+mnt, "sh", "-c", "hostname; readlink /proc/self/ns/mnt")
			if want := "persisted\n" + r.Stdout; out.Stdout != want {
				t.Errorf("util-linux nsenter into the files: %+v; want %q", out, want)
			}
			for _, f := range []string{mnt, uts} {
				if err := syscall.Unmount(f, 0); err != nil {
					t.Errorf("umount %s: %v", f, err)
				}
			}
		})
	}
}

// TestPersistRepeatedAsUtilLinux: a namespace option given again keeps
// its last FILE, whatever bare ones follow (--uts=F --uts binds F), as
// util-linux: the same end, and a file bound or not, with either start.
func TestPersistRepeatedAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "unshare")
	dir := t.TempDir() // in the test's private namespace: not shared
	f, g := filepath.Join(dir, "f"), filepath.Join(dir, "g")
	bound := func(file string) bool {
		var st unix.Statfs_t
		return unix.Statfs(file, &st) == nil && st.Type == unix.NSFS_MAGIC
	}
	for _, line := range [][]string{
		{"--uts=" + f, "--uts", "true"}, {"--uts", "--uts=" + f, "true"}, {"-u", "--uts=" + f, "-u", "true"},
		{"--uts=" + g, "--uts=" + f, "true"}, {"--net=" + f, "-n", "-f", "true"},
	} {
		t.Run(strings.Join(line, " "), func(t *testing.T) {
			for _, env := range nsexectest.Starts {
				var got [2]string
				for i, tool := range tools {
					for _, file := range []string{f, g} {
						if err := os.WriteFile(file, nil, 0o644); err != nil {
							t.Fatal(err)
						}
					}
					r := tool.Run(t, nsexectest.Options{Env: []string{env}}, line...)
					r.Stderr = nsexectest.NormStderr("unshare", r.Stderr)
					got[i] = fmt.Sprintf("%+v f bound %v, g bound %v", r, bound(f), bound(g))
					for _, file := range []string{f, g} {
						for syscall.Unmount(file, syscall.MNT_DETACH) == nil {
						}
					}
				}
				if got[0] != got[1] {
					t.Errorf("%s:\nutil-linux %s\nnstool     %s", env, got[0], got[1])
				}
			}
		})
	}
}

// TestPersistOnSharedMount: a mount namespace file on a shared mount is
// refused by the kernel; nstool says why and leaves nothing behind.
func TestPersistOnSharedMount(t *testing.T) {
	nstest.RequireRoot(t)
	base := nstest.Tmpfs(t)
	nstest.Mount(t, "none", base, "", syscall.MS_SHARED, "")
	file := filepath.Join(base, "mnt")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ul := nsexectest.Tool{Name: "unshare", Argv: []string{"unshare"}}.Run(t, nsexectest.Options{}, "--mount="+file, "true")
	ns := nsexectest.Tool{Name: "nstool", Argv: []string{nstooltest.Binary(t), "unshare"}}.Run(t, nsexectest.Options{}, "--mount="+file, "true")
	if ns.Code != 1 || ul.Code != 1 {
		t.Errorf("exit codes: util-linux %d, nstool %d; want 1", ul.Code, ns.Code)
	}
	if !strings.Contains(ns.Stderr, "shared mount") || strings.Count(ns.Stderr, "\n") != 1 {
		t.Errorf("want one line that names the shared mount, got %q", ns.Stderr)
	}
	if mounted(t, 0, file) {
		t.Errorf("%s is still mounted", file)
	}
}

// TestExplain: --explain shows the kernel's view of each step.
func TestExplain(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	tool := nsexectest.Tool{Name: "nstool", Argv: []string{bin, "unshare", "--explain"}}
	early := nsexectest.HasEarlyStart(bin)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--mount", "--propagation=shared", "true"}, []string{
			"unshare(CLONE_NEWNS)", `mount("none", "/", NULL, MS_REC|MS_SHARED, NULL)`, `execvp("true", ["true"])`}},
		{[]string{"--fork", "--pid", "--mount-proc", "true"}, []string{
			"unshare(CLONE_NEWNS|CLONE_NEWPID)", "nstool     fork()", `mount("none", "/", NULL, MS_REC|MS_PRIVATE, NULL)`,
			`mount("proc", "/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)`}},
		{[]string{"--user", "--map-root-user", "--mount", "--propagation=slave", "true"}, []string{
			"unshare(CLONE_NEWNS|CLONE_NEWUSER)", `write("/proc/self/uid_map", "0 0 1")`,
			`write("/proc/self/setgroups", "deny")`, `write("/proc/self/gid_map", "0 0 1")`,
			`mount("none", "/", NULL, MS_REC|MS_SLAVE, NULL)`}},
	} {
		r := tool.Run(t, nsexectest.Options{}, c.args...)
		if r.Code != 0 {
			t.Fatalf("%v: %+v", c.args, r)
		}
		last := -1
		for _, w := range c.want {
			i := strings.Index(r.Stderr, w)
			if i < 0 || i < last {
				t.Errorf("%v: %q missing or out of order in:\n%s", c.args, w, r.Stderr)
			}
			last = i
		}
		// The early start takes these command lines without --explain: say so.
		if !strings.Contains(r.Stderr, "(the early start;") && early {
			t.Errorf("%v: no note on the early start in:\n%s", c.args, r.Stderr)
		}
		// --explain is for students: the kernel's words, not Go's.
		if strings.Contains(r.Stderr, "Go's") || strings.Contains(r.Stderr, "runtime") {
			t.Errorf("%v: --explain speaks of Go's runtime:\n%s", c.args, r.Stderr)
		}
	}
	if r := tool.Run(t, nsexectest.Options{}, "--kill-child", "true"); strings.Contains(r.Stderr, "(the early start;") || r.Code != 0 {
		t.Errorf("--kill-child true (not early): %+v", r)
	}
}

// TestPersistPidWithFork: --pid=FILE binds pid_for_children, which exists
// once the forked child does; in both shapes of --fork.
func TestPersistPidWithFork(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	file := filepath.Join(t.TempDir(), "pid")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for syscall.Unmount(file, syscall.MNT_DETACH) == nil {
		}
	})
	for _, extra := range [][]string{{"--fork"}, {"--fork", "--user", "--map-root-user"}} {
		args := append(append([]string{"unshare"}, extra...), "--pid="+file, "readlink", "/proc/self/ns/pid")
		r := nsexectest.Tool{Name: "nstool", Argv: []string{bin}}.Run(t, nsexectest.Options{}, args...)
		var st syscall.Stat_t
		if err := syscall.Stat(file, &st); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("pid:[%d]\n", st.Ino); r.Code != 0 || r.Stdout != want {
			t.Errorf("%v: %+v; the file holds %s", extra, r, want)
		}
		if err := syscall.Unmount(file, 0); err != nil {
			t.Errorf("%v: umount: %v", extra, err)
		}
	}
}

// TestKeepCaps: --keep-caps puts the user namespace's capabilities in the
// ambient set, so that a program run without uid 0 keeps them.
func TestKeepCaps(t *testing.T) {
	tools := nsexectest.ForNobody(t, nsexectest.Tools(t, "unshare"))
	for _, args := range [][]string{
		{"--user", "--keep-caps", "grep", "^Cap", "/proc/self/status"},
		{"--user", "--map-root-user", "--keep-caps", "grep", "^Cap", "/proc/self/status"},
		{"--user", "--map-root-user", "grep", "^CapAmb", "/proc/self/status"},
	} {
		o := nsexectest.Options{Cred: nsexectest.Unprivileged()}
		ul, ns := tools[0].Run(t, o, args...), tools[1].Run(t, o, args...)
		if ul != ns || ns.Code != 0 {
			t.Errorf("%v:\nutil-linux %+v\nnstool     %+v", args, ul, ns)
		}
		if args[2] == "--keep-caps" && strings.Contains(ns.Stdout, "CapAmb:\t0000000000000000") {
			t.Errorf("%v: no ambient capabilities:\n%s", args, ns.Stdout)
		}
	}
}
