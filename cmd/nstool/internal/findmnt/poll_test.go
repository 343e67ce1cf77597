package findmnt_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// pollEvents is a scripted sequence of mount table changes, in a fresh
// tmpfs at base: each action --poll reports (mount, remount, move,
// umount), a bind of a subdirectory, a stacked mount, a propagation
// change (which changes no option and so is no change to findmnt), and
// changes of several mounts at once (a recursive bind, a lazy umount).
func pollEvents(t *testing.T, base string) []func() {
	long := strings.Repeat("l", 210)
	for _, d := range []string{"a", "b", "c", "far", "src/dir", "bind", "tree/x", "tree/" + long, "rbind"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	p := func(d string) string { return filepath.Join(base, d) }
	// a tree whose copy is three mounts at once, one with a target more
	// than twice as long as the others on average: libsmartcols keeps
	// that TARGET has extreme cells for the ranges after
	nstest.Mount(t, "tree", p("tree"), "tmpfs", 0, "")
	// tree/x is a stack of two mounts (the lower one shadowed)
	for _, d := range []string{"tree/x", "tree/" + long, "tree/x"} {
		if err := os.MkdirAll(p(d), 0o755); err != nil {
			t.Fatal(err)
		}
		nstest.Mount(t, "sub", p(d), "tmpfs", 0, "")
	}
	if err := os.MkdirAll(p("rbind/"+long), 0o755); err != nil {
		t.Fatal(err)
	}
	mount := func(src, dir, fstype string, flags uintptr, data string) func() {
		return func() { nstest.Mount(t, src, p(dir), fstype, flags, data) }
	}
	umount := func(dir string) func() {
		return func() {
			if err := syscall.Unmount(p(dir), 0); err != nil {
				t.Fatalf("umount %s: %v", dir, err)
			}
		}
	}
	return []func(){
		func() { nstest.Mount(t, p("tree"), p("rbind"), "", syscall.MS_BIND|syscall.MS_REC, "") },
		mount("poll-a", "a", "tmpfs", 0, "size=1m"),
		mount("", "a", "", syscall.MS_REMOUNT|syscall.MS_RDONLY, "size=2m"),
		func() { nstest.Mount(t, p("a"), p("b"), "", syscall.MS_MOVE, "") },
		mount("", "b", "", syscall.MS_PRIVATE, ""),
		mount("poll-far-away-with-a-long-name", "far", "tmpfs", syscall.MS_NOSUID, "size=2m"),
		// a mount with no source is found in no reading (libmount pairs
		// an entry by source and target): a move from itself at every
		// change after
		mount("", "c", "tmpfs", 0, "size=1m"),
		mount("poll-c", "c", "tmpfs", 0, ""),
		mount("poll-c2", "c", "tmpfs", syscall.MS_NODEV, ""),
		func() { nstest.Mount(t, p("src"), p("src"), "", syscall.MS_BIND, "") },
		func() { nstest.Mount(t, p("src/dir"), p("bind"), "", syscall.MS_BIND, "") },
		umount("b"),
		umount("c"),
		umount("bind"),
		umount("far"),
		mount("long", "tree/"+long, "tmpfs", 0, ""),
		func() {
			if err := syscall.Unmount(p("rbind"), syscall.MNT_DETACH); err != nil {
				t.Fatalf("umount -l rbind: %v", err)
			}
		},
	}
}

// TestPollAsUtilLinux runs util-linux findmnt --poll and nstool's side by
// side in this test's mount namespace while pollEvents changes its table,
// and compares what they print and their exit statuses. The pauses
// between events are the events' timing (each change its own range of
// lines), not limits: both tools end on their own -w, 2 s after the last
// change.
func TestPollAsUtilLinux(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	if _, err := exec.LookPath("findmnt"); err != nil {
		t.Skip("util-linux findmnt is not installed")
	}
	cases := []struct {
		name   string
		args   func(base string) []string
		events bool
	}{
		{"all", func(string) []string { return nil }, true},
		{"timeout without a change", func(string) []string { return nil }, false},
		{"first-only", func(string) []string { return []string{"--first-only"} }, true},
		{"actions", func(string) []string { return []string{"--poll=umount,MOVE"} }, true},
		{"bare -p keeps the list", func(string) []string { return []string{"-premount", "-p"} }, true},
		{"old columns", func(string) []string {
			return []string{"-o", "ACTION,OLD-TARGET,TARGET,OLD-OPTIONS,OPTIONS,FSROOT"}
		}, true},
		{"raw", func(string) []string { return []string{"-r"} }, true},
		{"pairs", func(string) []string { return []string{"-P", "-o", "+OLD-TARGET"} }, true},
		{"noheadings", func(string) []string { return []string{"-n"} }, true},
		{"target filter", func(b string) []string { return []string{"-T", filepath.Join(b, "c")} }, true},
		{"target argument", func(b string) []string { return []string{filepath.Join(b, "a")} }, true},
		{"source argument", func(string) []string { return []string{"poll-c2"} }, true},
		{"empty source", func(string) []string { return []string{"-S", ""} }, true},
		{"type and options", func(string) []string { return []string{"-t", "tmpfs", "-O", "nosuid"} }, true},
		{"source filter first-only", func(string) []string { return []string{"-S", "poll-c", "-f"} }, true},
		{"backward", func(string) []string { return []string{"-d", "backward"} }, true},
		// statvfs(3) of each change's mount point as it is then: the
		// remount's new size, the directory under an unmounted mount
		{"sizes", func(string) []string { return []string{"-o", "+SIZE,USED,AVAIL,USE%", "-b"} }, true},
		{"df", func(string) []string { return []string{"-D"} }, true},
		// over-mounted in the reading the change comes from
		{"shadowed", func(string) []string { return []string{"--shadowed", "-o", "+ID,PARENT"} }, true},
		// util-linux aborts at the first change it would print in JSON
		// (a libsmartcols assertion); without a change both print nothing
		{"json without a change", func(string) []string { return []string{"-J"} }, false},
		// libsmartcols prints no range of a tree: findmnt ends silently
		{"tree", func(string) []string { return []string{"--tree"} }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := nstest.Tmpfs(t)
			events := pollEvents(t, base)
			args := append([]string{"-p", "-w", "2000"}, c.args(base)...)
			ul := startPoller(t, exec.Command("findmnt", args...))
			ns := startPoller(t, exec.Command(bin, append([]string{"findmnt"}, args...)...))
			if c.events {
				for _, ev := range events {
					time.Sleep(150 * time.Millisecond)
					ev()
				}
			}
			want, got := ul.wait(t), ns.wait(t)
			if c.events && want.rc == 0 && want.stdout == "" {
				t.Errorf("findmnt %q printed no change: the case compares nothing", args)
			}
			if want.stdout != got.stdout || want.rc != got.rc {
				t.Errorf("findmnt %q\n--- nstool\n%s--- util-linux\n%s", args, got, want)
			}
		})
	}
}

// poller is a findmnt --poll running in the background.
type poller struct {
	cmd         *exec.Cmd
	out, errOut bytes.Buffer
}

// startPoller starts cmd and returns once it waits in poll(2), that is
// after it read the table it compares the first change with.
func startPoller(t *testing.T, cmd *exec.Cmd) *poller {
	t.Helper()
	p := &poller{cmd: cmd}
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.Stdout, cmd.Stderr = &p.out, &p.errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for pid := cmd.Process.Pid; !inPoll(pid); time.Sleep(5 * time.Millisecond) {
		if st, ok := nsexectest.Stat(pid); !ok || st.State == 'Z' {
			break // it ended (wait tells how)
		}
	}
	return p
}

// inPoll reports whether a thread of pid is in poll(2) or ppoll(2)
// (x86-64's numbers 7 and 271 first in /proc/PID/task/TID/syscall).
func inPoll(pid int) bool {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/syscall")
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		nr, _, _ := strings.Cut(string(b), " ")
		if nr == "7" || nr == "271" {
			return true
		}
	}
	return false
}

func (p *poller) wait(t *testing.T) result {
	t.Helper()
	err := p.cmd.Wait()
	rc := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		rc = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return result{p.out.String(), p.errOut.String(), rc}
}
