package unshare_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// subIDs gives the test's mount namespace (nstest.Main's, private) an
// /etc of its own, an overlay on the host's, and returns a function that
// writes its subuid and subgid: newuidmap(1) and util-linux read those
// paths and no other, and the host's /etc stays untouched.
func subIDs(t *testing.T) (write func(subuid, subgid string)) {
	t.Helper()
	nstest.RequireRoot(t)
	for _, tool := range []string{"newuidmap", "newgidmap"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (package uidmap; .ci/run installs it): %v", tool, err)
		}
	}
	dir := nstest.Tmpfs(t)
	upper, work := filepath.Join(dir, "upper"), filepath.Join(dir, "work")
	for _, d := range []string{upper, work} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	nstest.Mount(t, "nstest-etc", "/etc", "overlay", 0, "lowerdir=/etc,upperdir="+upper+",workdir="+work)
	t.Cleanup(func() { _ = syscall.Unmount("/etc", syscall.MNT_DETACH) })
	return func(subuid, subgid string) {
		t.Helper()
		for file, text := range map[string]string{"/etc/subuid": subuid, "/etc/subgid": subgid} {
			if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// mapCase is a command line, run by util-linux unshare and nstool's with
// /etc/subuid and /etc/subgid as given.
type mapCase struct {
	subuid, subgid string
	line           string
}

// compareMapCases runs each case with both of nstool's starts, as o says,
// and wants util-linux's stdout (the maps the program reads), stderr
// (newuidmap's messages and util-linux's) and exit code. It returns
// nstool's stdout of each.
func compareMapCases(t *testing.T, tools []nsexectest.Tool, o nsexectest.Options, write func(string, string), cases []mapCase) []string {
	t.Helper()
	outs := make([]string, len(cases))
	for i, c := range cases {
		t.Run(c.line, func(t *testing.T) {
			write(c.subuid, c.subgid)
			for _, env := range nsexectest.Starts {
				o := o
				o.Env = append(append([]string{}, o.Env...), env)
				r := nsexectest.Compare(t, "unshare", tools, o, nstooltest.ShellWords(c.line)...)
				if outs[i] = r.Stdout; t.Failed() {
					t.Logf("with %s: nstool %+v", env, r)
					return
				}
			}
		})
	}
	return outs
}

// wantMaps checks that the kernel shows the maps want lists (uid_map's,
// gid_map's lines, setgroups), in /proc/self's own layout.
func wantMaps(t *testing.T, got string, want ...string) {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(got), "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("maps %q, want %q", lines, want)
	}
}

// maps is what the program prints: its user namespace's maps.
const maps = " cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups"

// --map-users, --map-groups and --map-auto as an unprivileged user
// (nobody) with ranges in /etc/subuid and /etc/subgid: the maps newuidmap
// writes, the hole cut for --map-user, -r and -c, the first matching
// line, the files' faults, in util-linux's words and exit codes.
func TestMapRangesRootlessAsUtilLinux(t *testing.T) {
	write := subIDs(t)
	tools := nsexectest.ForNobody(t, nsexectest.Tools(t, "unshare"))
	o := nsexectest.Options{Cred: nsexectest.Nobody}
	both := "root:1:2\n65534:100000:65536\nnobody:200000:10\n"
	groups := "nobody:300000:65536\n"
	outs := compareMapCases(t, tools, o, write, []mapCase{
		{both, groups, "--map-auto" + maps},
		{both, groups, "--map-auto -r" + maps},
		{both, groups, "-r --map-auto" + maps},
		{both, groups, "--map-auto -c" + maps},
		{both, groups, "--map-auto --map-user=7 --map-group=9" + maps},
		{both, groups, "--map-users=auto --map-group=0" + maps},
		{both, groups, "--map-groups=auto -r" + maps},
		{both, groups, "--map-users=100000,5,10 --map-user=7 cat /proc/self/uid_map"},
		{both, groups, "--map-users=100000,0,65536 --map-user=65535 cat /proc/self/uid_map"},
		{both, groups, "--map-users=100000,0,65536 --map-groups=300000,0,65536 --setgroups=allow" + maps},
		{both, groups, "--map-users=100000,0,65536 --map-users=100000,1,10 cat /proc/self/uid_map"},
		{both, groups, "--map-auto --map-users=100000,0,5" + maps},
		{both, groups, "--map-auto --fork --pid --mount --mount-proc sh -c 'cat /proc/self/uid_map; echo $$'"},
		{both, groups, "--map-auto -m --propagation=slave findmnt -no PROPAGATION /"},
		// ranges /etc/subuid does not grant: newuidmap's message and status
		{both, groups, "--map-users=100000,0,70000 true"},
		{both, groups, "--map-users=0,0,1 true"},
		{both, groups, "--map-groups=100000,0,1 true"},
		// the files: no line, a bad one, a missing field, trailing text
		{"", "", "--map-auto true"},
		{both, "", "--map-groups=auto true"},
		{"nobody:x:1\n", groups, "--map-auto true"},
		{"nobody:1:\n", groups, "--map-auto true"},
		{"nobody:1\nnobody:100000:10\n", groups, "--map-auto cat /proc/self/uid_map"},
		{"nobody:100000:10:3\n", groups, "--map-auto true"},
		{"nobody:100000:10", groups, "--map-auto cat /proc/self/uid_map"},
		{"99999999999999999999999:1:2\n", groups, "--map-auto true"},
		{" 65534:100000:10\n", groups, "--map-auto cat /proc/self/uid_map"},
		{"nobodyx:1:2\n+65534:100000:10\n", groups, "--map-auto cat /proc/self/uid_map"},
		// order: each option is taken in turn
		{"", "", "--map-user=nosuchuser-nstool --map-auto true"},
		{"", "", "--map-auto --map-user=nosuchuser-nstool true"},
		{"", "", "--map-users=1,2 --map-auto true"},
	})
	// The first range of each file, at 0; then the hole for -r.
	wantMaps(t, outs[0], "0 100000 65536", "0 300000 65536", "allow")
	wantMaps(t, outs[1], "0 65534 1", "1 100000 65535", "0 65534 1", "1 300000 65535", "allow")
}

// The same as root, who newuidmap checks against /etc/subuid like anyone,
// and whose ranges util-linux 2.38 looks for under a name that strtoul(3)
// reads as 0: any name that is not a number.
func TestMapRangesAsRootAsUtilLinux(t *testing.T) {
	write := subIDs(t)
	tools := nsexectest.Tools(t, "unshare")
	outs := compareMapCases(t, tools, nsexectest.Options{}, write, []mapCase{
		{"root:300000:65536\n", "root:400000:65536\n", "--map-auto" + maps},
		{"nobody:200000:1000\nroot:300000:65536\n", "root:400000:65536\n", "--map-auto" + maps}, // nobody's line is taken
		{"0:300000:65536\n", "root:400000:65536\n", "--map-users=auto -r" + maps},
		{"root:300000:65536\n", "", "-r --map-users=300000,0,65536" + maps},
		{"root:300000:65536\n", "", "--map-users=300000,10,65536 --map-user=300005 cat /proc/self/uid_map"},
		{"root:300000:65536\n", "", "--map-users=300000,0,65536 -c cat /proc/self/uid_map"},
		{"root:300000:65536\n", "", "--map-users=300000,0,65536 -S 1 -G 0 id -u"},
		{"", "", "--map-users=4294967296,0,1 cat /proc/self/uid_map"},
		{"", "", "--map-groups=0,0,1 cat /proc/self/gid_map /proc/self/setgroups"},
		{"", "", "--map-groups=0,0,1 --setgroups=allow --map-group=0 cat /proc/self/gid_map"},
		{"", "", "--map-auto true"},
	})
	wantMaps(t, outs[0], "0 300000 65536", "0 400000 65536", "allow")
	wantMaps(t, outs[1], "") // newuidmap refused nobody's range to root
}

// What --map-users and --map-groups read, as util-linux's
// string_to_idarray and strtoul_or_err read it.
func TestMapRangeValuesAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "unshare")
	var lines []string
	for _, v := range []string{"''", "1", "1,2", "1,2,3,4", "1,2,3,", ",1,2,3", "1,,2", ",", "1,", "a,b,c",
		"-1,0,1", "-2,0,1", "4294967295,0,1", "4294967296,0,1", "18446744073709551616,0,1", "' 1,2,3'", "+1,2,3",
		"1,2,3x", "1,0,0", "0,0,1", "0x1,0,1", "' 0, 0, 1'", "'0 ,0,1'",
		strings.Repeat("0", 32) + "1,0,1", strings.Repeat("0", 33) + "1,0,1", strings.Repeat("0", 40) + "x,0,1"} {
		for _, opt := range []string{"--map-users=", "--map-groups "} {
			lines = append(lines, opt+v+" cat /proc/self/uid_map /proc/self/gid_map")
		}
	}
	nsexectest.CompareLines(t, "unshare", tools, strings.NewReplacer(), lines)
}

// Without newuidmap in $PATH, or with one that cannot be executed,
// util-linux says "failed to execute newuidmap", exit 127 or 126.
func TestMapRangesWithoutNewuidmap(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "unshare")
	noexec := t.TempDir()
	if err := os.WriteFile(filepath.Join(noexec, "newuidmap"), []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(noexec, "newgidmap"), []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/nonexistent-nstool", noexec} {
		for _, args := range [][]string{
			{"--map-users=0,0,1", "/bin/cat", "/proc/self/uid_map"},
			{"--map-groups=0,0,1", "/bin/cat", "/proc/self/gid_map"},
			{"--map-users=0,0,1", "--map-groups=0,0,1", "/bin/true"},
		} {
			for _, env := range nsexectest.Starts {
				r := nsexectest.Compare(t, "unshare", tools, nsexectest.Options{Env: []string{"PATH=" + path, env}}, args...)
				if r.Code != 126 && r.Code != 127 {
					t.Errorf("PATH=%s %q: exit %d, want 126 or 127", path, args, r.Code)
				}
			}
		}
	}
}

// The shell completes --map-users and --map-groups with their one word,
// auto (cobra's __complete, which the completion scripts call).
func TestMapRangesComplete(t *testing.T) {
	for _, name := range []string{"--map-users", "--map-groups"} {
		out, err := exec.Command(nstooltest.Binary(t), "__complete", "unshare", name, "").Output()
		if err != nil || !strings.HasPrefix(string(out), "auto\n") {
			t.Errorf("__complete unshare %s '': %v, %q", name, err, out)
		}
	}
}

// --kill-child's signal as util-linux's signame_to_signum reads it: any
// case, SIG or not, the aliases IOT, CLD and POLL, RTMIN+N and RTMAX-N
// (digits first; RTMIN alone is none), never a number.
func TestKillChildSignalNamesAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	var lines []string
	for _, s := range []string{"RTMIN+0", "RTMIN+1", "SIGRTMIN+1", "rtmin+30", "RTMIN+31", "RTMAX-1", "SIGRTMAX-2", "RTMAX-30",
		"RTMAX-31", "rtmax-0", "RTMIN", "SIGRTMAX", "RT5", "RTMIN+1x", "RTMIN+-1", "RTMIN+99999999999999999999", "IOT", "CLD",
		"POLL", "sigterm", "Term", "15", "bogus", "SIG", ""} {
		lines = append(lines, "--kill-child="+s+" sh -c 'exit 4'")
	}
	nsexectest.CompareLines(t, "unshare", nsexectest.Tools(t, "unshare"), strings.NewReplacer(), lines)
}

// util-linux checks each option as getopt_long returns it, so of two bad
// options the first is reported, and a bad value fails even when a later
// one replaces it; nstool takes them in the same turn (Options.order).
func TestOptionsTakenInTurnAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	var lines []string
	bad := []string{"--map-users=1,2", "--map-user=nosuchuser-nstool", "--propagation=bad", "--setuid=x", "--setgid=y",
		"--setgroups=maybe", "--kill-child=NOPE", "-T --monotonic=x", "-T --boottime=z", "--map-groups=a,b,c"}
	for i, a := range bad {
		for _, b := range bad[i+1:] {
			lines = append(lines, a+" "+b+" true", b+" "+a+" true")
		}
	}
	lines = append(lines, "--setuid=x --setuid=0 true", "-T --monotonic=x --monotonic=1 true", "--propagation=bad --propagation=shared -m true",
		"--kill-child=NOPE --kill-child true", "--setgroups= true", "--map-users=1,2 --map-users=0,0,1 true")
	nsexectest.CompareLines(t, "unshare", nsexectest.Tools(t, "unshare"), strings.NewReplacer(), lines)
}
