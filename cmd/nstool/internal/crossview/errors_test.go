package crossview_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// TestBadInputInOneLine: what the cross-namespace commands refuse is one
// line on stderr and exit 1, what was left out of the machine (said on a
// line of its own when they succeed) in that line: a file that is no
// namespace file (its inode named "mnt:[737]"), one of another type, an
// empty --ns (not the caller's namespace), a directory that is no mount
// point, a path that is not there, a device number nothing mounts (an
// empty table and 0 before).
func TestBadInputInOneLine(t *testing.T) {
	bin := nstooltest.Binary(t)
	dir := nstest.TmpfsDir(t, "dir")
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	gone := ended.Process.Pid // reaped: no such process (until the PID is reused)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"reach", "--ns", "/etc/passwd", "/"}, "nstool reach: /etc/passwd: not a namespace file"},
		{[]string{"reach", "--ns", "/proc", "/"}, "nstool reach: /proc: not a namespace file"},
		{[]string{"why", "/", "/etc/passwd"}, "nstool why: /etc/passwd: not a namespace file"},
		{[]string{"reach", "--ns", "/proc/self/ns/net", "/"}, "nstool reach: /proc/self/ns/net: a net namespace, not a mount namespace"},
		{[]string{"why", "/", "/proc/self/ns/user"}, "nstool why: /proc/self/ns/user: a user namespace, not a mount namespace"},
		{[]string{"reach", "--ns", "", "/"}, "nstool reach: --ns: no namespace file specified"},
		{[]string{"reach", "--umount", dir}, "nstool reach: " + dir + ": not a mount point"},
		// A bare nsfs file has no /proc/PID/root to look through: the path
		// is looked up by a thread in the namespace (it was taken as it was).
		{[]string{"reach", "--ns", "/proc/self/ns/mnt", dir + "/none"}, "nstool reach: " + dir + "/none: No such file or directory"},
		{[]string{"holders", "4095:1048575"}, "nstool holders: 4095:1048575: mounted in no mount namespace"},
		{[]string{"holders", "-J", "4095:1048575"}, "nstool holders: 4095:1048575: mounted in no mount namespace"},
		{[]string{"holders", "8:"}, "nstool holders: 8:: no such path, device number or mount source"},
		{[]string{"why", "/", strconv.Itoa(gone)}, "nstool why: no process " + strconv.Itoa(gone) + "\n"},
		{[]string{"reach", "-N", strconv.Itoa(gone), "/"}, "nstool reach: no process " + strconv.Itoa(gone) + "\n"},
	} {
		stdout, stderr, code := nstooltest.Run(t, exec.Command(bin, tc.args...))
		if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, tc.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 1 and one line %q...", tc.args, code, stdout, stderr, tc.want)
		}
	}
}

// TestWhyFollowsASymlinkAsReachDoes: why, like reach, asks about the mount
// a lookup of PATH ends on, a symbolic link's target's (it took the link's
// own place, on the mount it lies in, and said "/ ... is private"), and
// reads a relative PATH from the working directory.
func TestWhyFollowsASymlinkAsReachDoes(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	base := nstest.Tmpfs(t)
	nstest.Must(t, "mount", "--make-shared", base)
	peer := strconv.Itoa(sleeper(t, "unchanged"))
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(base, link); err != nil {
		t.Fatal(err)
	}
	want, err := exec.Command(bin, "why", base, peer).Output()
	if err != nil {
		t.Fatalf("nstool why %s %s: %v", base, peer, err)
	}
	for _, path := range []string{link, "."} {
		cmd := exec.Command(bin, "why", path, peer)
		cmd.Dir = base
		if got, err := cmd.Output(); err != nil || string(got) != string(want) {
			t.Errorf("nstool why %s %s (%v):\n%s\nwant what why %s says:\n%s", path, peer, err, got, base, want)
		}
	}
}

// TestPictureWithoutAWorkingDot: --format svg without dot in $PATH, or with
// a dot that fails saying two lines, is one line and exit 1 (dot's first
// line in it: its stderr whole made two).
func TestPictureWithoutAWorkingDot(t *testing.T) {
	bin := nstooltest.Binary(t)
	empty, broken := t.TempDir(), t.TempDir()
	script := "#!/bin/sh\necho 'Error: <stdin>: syntax error in line 1' >&2\necho 'more' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(broken, "dot"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		empty:            "nstool graph: Graphviz's dot is not installed",
		broken + ":/bin": "nstool graph: dot -Tsvg: exit status 1: Error: <stdin>: syntax error in line 1",
	} {
		cmd := exec.Command(bin, "graph", "--format", "svg")
		cmd.Env = append(os.Environ(), "PATH="+path)
		stdout, stderr, code := nstooltest.Run(t, cmd)
		if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, want) {
			t.Errorf("PATH=%s graph --format svg: exit %d, stderr %q; want 1 and one line %q...", path, code, stderr, want)
		}
	}
}
