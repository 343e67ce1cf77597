package spawn

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/sysfmt"
)

func TestFormatCloneFlags(t *testing.T) {
	for flags, want := range map[uintptr]string{
		0:                                      "0",
		unix.CLONE_NEWNS:                       "CLONE_NEWNS",
		unix.CLONE_NEWNS | unix.CLONE_NEWUSER:  "CLONE_NEWNS|CLONE_NEWUSER",
		unix.CLONE_NEWPID | unix.CLONE_NEWTIME: "CLONE_NEWPID|CLONE_NEWTIME",
		unix.CLONE_NEWNS | 0x1:                 "CLONE_NEWNS|0x1",
	} {
		if got := sysfmt.FormatCloneFlags(flags); got != want {
			t.Errorf("FormatCloneFlags(%#x) = %q, want %q", flags, got, want)
		}
	}
}

// TestUnshareStepOrder: the steps come in util-linux's order.
func TestUnshareStepOrder(t *testing.T) {
	boot := int64(5)
	c := &UnshareConfig{Flags: unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWTIME,
		Persist: map[uintptr]string{unix.CLONE_NEWNS: "/run/m"}, Propagation: unix.MS_REC | unix.MS_SLAVE,
		Fork: true, KillChild: syscall.SIGTERM, MountProc: ptr("/proc"), MapUser: 0, MapGroup: 0, RealUID: 1000, RealGID: 100,
		Root: ptr("/srv"), SetUID: 1, SetGID: 2, Boottime: &boot, Name: "true", Argv: []string{"true"}}
	var got []string
	for _, s := range c.Spawn().Steps {
		got = append(got, s.Text)
	}
	want := []string{
		"unshare(CLONE_NEWNS|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWTIME)",
		`write("/proc/self/timens_offsets", "7 5 0")`,
		"pause: nstool bind-mounts /proc/PID/ns/* onto the files",
		"prctl(PR_SET_PDEATHSIG, SIGKILL)",
		"fork(); the parent blocks SIGINT and SIGTERM and waits for the child",
		"prctl(PR_SET_PDEATHSIG, SIGTERM)",
		`write("/proc/self/uid_map", "0 1000 1")`,
		`write("/proc/self/setgroups", "deny")`,
		`write("/proc/self/gid_map", "0 100 1")`,
		`mount("none", "/", NULL, MS_REC|MS_SLAVE, NULL)`,
		`chroot("/srv")`,
		`chdir("/")`,
		`mount("proc", "/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)`,
		"setgroups(0, NULL)", "setgid(2)", "setuid(1)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestExecvpCandidates(t *testing.T) {
	if got := candidateStrings("ls", []string{"PATH=/a::/b"}); strings.Join(got, " ") != "/a/ls ls /b/ls" { // glibc tries the bare name for ""
		t.Errorf("got %q", got)
	}
	if got := candidateStrings("ls", nil); strings.Join(got, " ") != "/bin/ls /usr/bin/ls" {
		t.Errorf("without PATH: %q", got)
	}
}

// The early start looks the program up as execvpCandidates does.
func TestEarlyCandidates(t *testing.T) {
	for _, env := range [][]string{nil, {"PATH="}, {"PATH=/a::/b"}, {"X=1", "PATH=:/usr/bin:", "PATH=/second"},
		{"PATH=" + strings.Repeat("/long", 2000)}} {
		for _, name := range []string{"ls", "a/b", "/bin/ls"} {
			e := EarlyProgram{Name: name, Env: &CStrings(env)[0]}
			var got []string
			if e.candidates() {
				for _, p := range early.sp.paths {
					got = append(got, string(p[:len(p)-1]))
				}
			}
			want := []string{name}
			if !strings.Contains(name, "/") {
				want = candidateStrings(name, env)
			}
			if len(strings.Join(want, ":")) > len(early.pathBuf)-len(want) {
				want = nil // too long for early's memory: the ordinary start copes
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s with %q: early %q, execvp %q", name, env, got, want)
			}
		}
	}
}

// TestSpawnRunsStepsInChild: a real fork whose child writes a file, changes
// directory and runs a program there; a failing step comes back as
// util-linux's message and errno.
func TestSpawnRunsStepsInChild(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil { // steps write, never create
		t.Fatal(err)
	}
	sp := &Spawn{Name: "sh", Argv: []string{"sh", "-c", "pwd > out"}, Env: os.Environ(), ExecErr: "failed to execute sh",
		Steps: []Step{
			writeStep(filepath.Join(dir, "file"), "data", "write failed", false),
			pathStep("chdir", unix.SYS_CHDIR, dir, "cannot chdir"),
		}}
	p, err := sp.Start()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Started(); err != nil {
		t.Fatal(err)
	}
	if ws, err := p.Wait(); err != nil || ws.ExitStatus() != 0 {
		t.Fatalf("wait: %v %v", ws, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "file")); string(b) != "data" {
		t.Errorf("file = %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "out")); strings.TrimSpace(string(b)) != dir {
		t.Errorf("pwd = %q, want %q", b, dir)
	}

	sp = &Spawn{Name: "true", Argv: []string{"true"}, ExecErr: "failed to execute true",
		Steps: []Step{pathStep("chdir", unix.SYS_CHDIR, filepath.Join(dir, "missing"), "cannot chdir to 'missing'")}}
	p, err = sp.Start()
	if err != nil {
		t.Fatal(err)
	}
	err = p.Started()
	p.Wait()
	var se *SpawnError
	if !errors.As(err, &se) || se.Errno != syscall.ENOENT || se.ExitCode() != 1 ||
		err.Error() != "cannot chdir to 'missing': No such file or directory" {
		t.Errorf("got %v", err)
	}

	sp = &Spawn{Name: "no-such-program-nstool", Argv: []string{"x"}, Env: []string{"PATH=/usr/bin:/bin"},
		ExecErr: "failed to execute no-such-program-nstool"}
	p, _ = sp.Start()
	err = p.Started()
	p.Wait()
	if !errors.As(err, &se) || se.ExitCode() != 127 {
		t.Errorf("exec of a missing program: %v", err)
	}
}

func ptr(s string) *string { return &s }

// candidateStrings is execvpCandidates without the NULs.
func candidateStrings(name string, env []string) []string {
	var out []string
	for _, p := range execvpCandidates(name, env) {
		out = append(out, string(p[:len(p)-1]))
	}
	return out
}

// writeStep writes data to a file.
func writeStep(path, data, errMsg string, ignoreENOENT bool) Step {
	return Step{Kind: stepWriteFile, Text: fmt.Sprintf("write(%s, %s)", strconv.Quote(path), strconv.Quote(data)),
		Err: errMsg, Path: path, Data: data, IgnoreENOENT: ignoreENOENT}
}

// pathStep is chroot(path), chdir(path) and the like.
func pathStep(name string, trap uintptr, path, errMsg string) Step {
	s := Step{Kind: StepSyscall, Text: fmt.Sprintf("%s(%s)", name, strconv.Quote(path)), Err: errMsg, Trap: trap, Path: path}
	s.Args[0] = s.CString(path)
	return s
}
