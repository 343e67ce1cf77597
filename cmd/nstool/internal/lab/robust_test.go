package lab

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/labs"
	"github.com/nstool/nstool/nsutil/nstest"
)

// A progress file that is no file of the engine's (a symlink to /dev/zero,
// a huge file) is read as no progress, at once, with bounded memory.
func TestProgressFileIsReadWithALimit(t *testing.T) {
	for name, create := range map[string]func(path string) error{
		"/dev/zero": func(path string) error { return os.Symlink("/dev/zero", path) },
		"too big":   func(path string) error { return os.WriteFile(path, make([]byte, 2<<20), 0o644) },
		// open(2) of a FIFO would wait for a writer (fifo(7)).
		"a FIFO": func(path string) error { return unix.Mkfifo(path, 0o644) },
	} {
		state := t.TempDir()
		if err := os.MkdirAll(filepath.Join(state, "nstool"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := create(filepath.Join(state, "nstool", "progress.json")); err != nil {
			t.Fatal(err)
		}
		out, errOut, code := nstool(t, "", []string{"XDG_STATE_HOME=" + state}, "lab", "list")
		if code != 0 || !strings.Contains(out, "01-isolation") || strings.Contains(out, "✓") {
			t.Errorf("progress file %s: lab list exit %d:\n%s%s", name, code, out, errOut)
		}
	}
}

// A $NSTOOL_LABS_DIR that cannot be read is named in one line on stderr
// that says why (the folder named once, not as "open ."), and the
// built-in labs still list.
func TestBadLabsDirStillListsTheBuiltIns(t *testing.T) {
	for dir, why := range map[string]string{
		"/nonexistent/labs": "/nonexistent/labs: no such file or directory;",
		"/etc/passwd":       "/etc/passwd: not a directory;",
	} {
		out, errOut, code := nstool(t, "", append(stateEnv(t), "NSTOOL_LABS_DIR="+dir), "lab", "list")
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if code != 0 || !strings.Contains(out, "01-isolation") || len(lines) != 1 || !strings.Contains(lines[0], why) {
			t.Errorf("NSTOOL_LABS_DIR=%s: exit %d, want a line with %q\nstdout:\n%s\nstderr:\n%s", dir, code, why, out, errOut)
		}
	}
}

// A lab's file that is no regular file of a sensible size (a FIFO, a link
// to /dev/zero, 2 MiB) makes $NSTOOL_LABS_DIR one line on stderr, at once;
// a lab asked for there is one line too (the reason, not a second "no
// lab"), and so is a folder that is no lab's (a teacher's .git is skipped).
func TestBadLabFilesInOneLine(t *testing.T) {
	for name, create := range map[string]func(dir string) error{
		"a FIFO": func(dir string) error {
			labTxt := filepath.Join(dir, "94-bad", "lab.txt")
			return errors.Join(os.Remove(labTxt), unix.Mkfifo(labTxt, 0o644))
		},
		"/dev/zero": func(dir string) error {
			readme := filepath.Join(dir, "94-bad", "README.md")
			return errors.Join(os.Remove(readme), os.Symlink("/dev/zero", readme))
		},
		"too big": func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "94-bad", "lab.txt"), make([]byte, 2<<20), 0o644)
		},
		"not NN-name": func(dir string) error { return os.Mkdir(filepath.Join(dir, "notes"), 0o755) },
	} {
		dir := t.TempDir()
		writeLab(t, dir, "94-bad", "title: Engine test: a bad lab\nminutes: 1\n\nBad.\n-- step One --\nDo.\n-- check --\nhost /lab is mounted tmpfs\n-- hint --\nHm.\n-- solution --\ntrue\n")
		if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := create(dir); err != nil {
			t.Fatal(err)
		}
		env := append(stateEnv(t), "NSTOOL_LABS_DIR="+dir)
		out, errOut, code := nstool(t, "", env, "lab", "list")
		if code != 0 || !strings.Contains(out, "01-isolation") || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "the built-in labs only") {
			t.Errorf("%s: lab list exit %d:\n%s%s", name, code, out, errOut)
		}
		_, errOut, code = nstool(t, "", env, "lab", "show", "94")
		if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, `nstool lab show: no lab "94": $NSTOOL_LABS_DIR `) {
			t.Errorf("%s: lab show 94 exit %d, want 1 and one line:\n%s", name, code, errOut)
		}
	}
}

// writeLab writes a lab folder id (lab.txt and a README.md) in dir.
func writeLab(t *testing.T, dir, id, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, id), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, id, "lab.txt"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, id, "README.md"), []byte("# "+id+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A lab folder that is a symbolic link to one is a lab (it was skipped).
func TestLinkedLabFolder(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	writeLab(t, elsewhere, "95-linked", "title: Engine test: a linked lab\nminutes: 1\n\nLinked.\n-- step One --\nDo.\n-- check --\nhost /lab is mounted tmpfs\n-- hint --\nHm.\n-- solution --\ntrue\n")
	if err := os.Symlink(filepath.Join(elsewhere, "95-linked"), filepath.Join(dir, "95-linked")); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := nstool(t, "", append(stateEnv(t), "NSTOOL_LABS_DIR="+dir), "lab", "list")
	if code != 0 || !strings.Contains(out, "95-linked") || errOut != "" {
		t.Errorf("a linked lab folder: lab list exit %d\n%s%s", code, out, errOut)
	}
}

// A lab whose setup or reference solution never returns stops with one
// clear line ($NSTOOL_LAB_TIMEOUT, here 1 s), and the sandbox goes with
// everything it started: start and verify do not hang.
func TestHangingLabStops(t *testing.T) {
	nstest.RequireRoot(t)
	for name, body := range map[string]string{
		"setup":    "-- setup --\nsleep 1000 &\nsleep 1000\n-- step Nothing --\nNothing.\n-- check --\nhost /lab is mounted tmpfs\n-- hint --\nWait.\n-- solution --\ntrue\n",
		"solution": "-- step Forever --\nWait.\n-- check --\nhost /lab/never is mounted tmpfs\n-- hint --\nWait.\n-- solution --\nsleep 1000\n",
	} {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "93-hangs"), 0o755); err != nil {
			t.Fatal(err)
		}
		text := "title: Engine test: a lab that hangs\nminutes: 1\n\nIt hangs.\n" + body
		if err := os.WriteFile(filepath.Join(dir, "93-hangs", "lab.txt"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "93-hangs", "README.md"), []byte("# A lab that hangs\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		env := append(stateEnv(t), "NSTOOL_LABS_DIR="+dir, "NSTOOL_LAB_TIMEOUT=1")
		out, errOut, code := nstool(t, "", env, "lab", "verify", "93-hangs")
		if code == 0 || !strings.Contains(out+errOut, "did not finish in 1s") {
			t.Errorf("a hanging %s: exit %d\n%s%s", name, code, out, errOut)
		}
		if name == "solution" {
			// A demo says the step on the projector, and on stderr that it failed.
			out, errOut, code := nstool(t, "", env, "lab", "demo", "93-hangs", "--no-pause")
			if code != 1 || !strings.Contains(out, "did not finish in 1s") || errOut != "nstool lab demo: the demo of lab 93-hangs failed\n" {
				t.Errorf("a demo of a hanging solution: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		}
	}
}

// A relative $XDG_STATE_HOME is ignored, as the XDG Base Directory
// Specification says (progress goes to ~/.local/state, not to a folder of
// the working directory); a progress file that is a directory is said so
// when progress is saved (rename(2)'s "file exists" before).
func TestProgressPlaces(t *testing.T) {
	home, work := t.TempDir(), t.TempDir()
	progress := filepath.Join(home, ".local/state/nstool/progress.json")
	if err := os.MkdirAll(filepath.Dir(progress), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(progress, []byte(`{"04-types": {"done": false, "best_step": 2}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nstooltest.Binary(t), "lab", "reset")
	cmd.Dir, cmd.Env = work, append(os.Environ(), "HOME="+home, "XDG_STATE_HOME=relative")
	if _, errOut, code := nstooltest.Run(t, cmd); code != 0 {
		t.Errorf("XDG_STATE_HOME=relative: lab reset exit %d: %s", code, errOut)
	}
	if b, err := os.ReadFile(progress); err != nil || strings.Contains(string(b), "04-types") {
		t.Errorf("XDG_STATE_HOME=relative: the progress in ~/.local/state not forgotten: %v %q", err, b)
	}
	if _, err := os.Stat(filepath.Join(work, "relative")); err == nil {
		t.Errorf("XDG_STATE_HOME=relative: a folder made in the working directory")
	}

	state := t.TempDir()
	if err := os.MkdirAll(filepath.Join(state, "nstool", "progress.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := nstool(t, "", []string{"XDG_STATE_HOME=" + state}, "lab", "reset")
	if want := "nstool lab reset: saving progress: " + filepath.Join(state, "nstool", "progress.json") + ": is a directory\n"; code != 1 || errOut != want {
		t.Errorf("progress.json a directory: lab reset exit %d, stderr %q; want 1, %q", code, errOut, want)
	}
}

// A progress entry with a number the engine never writes (below 0, beyond
// the lab's steps, every step but not done) is no progress: lab list said
// "99/7 steps passed; lab start goes on from step 100", and lab start on a
// terminal offered step -4.
func TestProgressOutOfRange(t *testing.T) {
	env := stateEnv(t)
	dir := strings.TrimPrefix(env[0], "XDG_STATE_HOME=") + "/nstool"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	text := `{"01-isolation": {"best_step": -5}, "02-mountinfo": {"best_step": 99}, "03-peers": {"best_step": 5}, "05-slave": {"best_step": 3}}`
	if err := os.WriteFile(dir+"/progress.json", []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"01-isolation": 0, "02-mountinfo": 0, "03-peers": 0, "05-slave": 3}
	for _, r := range listJSON(t, env) {
		if w, ok := want[r.ID]; ok && r.Passed != w {
			t.Errorf("%s: steps_passed %d, want %d", r.ID, r.Passed, w)
		}
	}
	t.Setenv("XDG_STATE_HOME", filepath.Dir(dir))
	all, _ := labs.All()
	l01, _ := labs.Find(all, "01")
	ios, in, _, errOut := cli.Test()
	ios.SetStdinTTY(true)
	in.WriteString("y\n")
	if got, err := startingStep(ios, l01, nil); got != 0 || err != nil || errOut.Len() != 0 {
		t.Errorf("lab 01 at best_step -5, on a terminal: step %d (%v), asked %q; want 0, nothing asked", got, err, errOut.String())
	}
}

// A $NSTOOL_LAB_TIMEOUT beyond what a time.Duration holds is the longest
// limit, not one that wrapped round to a negative one (every setup "did not
// finish in -2346317h47m54s"); a value that is no positive number is the
// default.
func TestHugeTimeout(t *testing.T) {
	nstest.RequireRoot(t)
	for _, v := range []string{"9999999999", "x", "-1"} {
		out, errOut, code := nstool(t, "", append(stateEnv(t), "NSTOOL_LAB_TIMEOUT="+v), "lab", "verify", "01")
		if code != 0 || !strings.Contains(out, "ok   01-isolation") {
			t.Errorf("NSTOOL_LAB_TIMEOUT=%s: lab verify 01 exit %d\n%s%s", v, code, out, errOut)
		}
	}
}

// The engine's hidden stages typed by hand outside a sandbox end at once
// with one line, touching nothing: an actor's stage made its copy of the
// mount table and waited there for ever; init would mount its root in the
// caller's namespace (it must be PID 1 of a new one); the stage that goes
// into the namespace a step's unshare made ends its process (any process,
// typed on the host).
func TestStagesOutsideASandbox(t *testing.T) {
	before, _ := os.ReadFile("/proc/self/mountinfo")
	sleeper := nstest.Sleeper(t, "sleep", "1000")
	pid := strconv.Itoa(sleeper.Process.Pid)
	for _, args := range [][]string{{"lab", verbActor, "x", "private"}, {"lab", verbInit, "start"}, {"lab", verbEnter, pid}} {
		_, errOut, code := nstool(t, "{}", stateEnv(t), args...)
		if code != 1 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("nstool %s: exit %d, stderr %q; want 1 and one line", strings.Join(args, " "), code, errOut)
		}
	}
	sameMountTable(t, before, "a stage typed by hand changed the mount table")
	// Still running, not a zombie (a killed child is one until reaped).
	if stat, err := os.ReadFile("/proc/" + pid + "/stat"); err != nil || strings.Contains(string(stat), ") Z ") {
		t.Errorf("a stage typed by hand ended process %s: %s %v", pid, stat, err)
	}
}

// lab start --step N whose earlier steps cannot be redone (a solution that
// hangs) fails as a setup does: one line, exit 1, no "left lab" (no shell
// ever opened).
func TestStepReplayThatFailsIsAFailedSetup(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	writeLab(t, dir, "96-replay", "title: Engine test: a solution that hangs\nminutes: 1\n\nIt hangs.\n"+
		"-- step One --\nDo.\n-- check --\nhost /lab/x is mounted tmpfs\n-- hint --\nHm.\n-- solution --\nsleep 1000\n"+
		"-- step Two --\nDo.\n-- check --\nhost /lab/y is mounted tmpfs\n-- hint --\nHm.\n-- solution --\nmkdir -p /lab/y && mount -t tmpfs y /lab/y\n")
	env := append(stateEnv(t), "NSTOOL_LABS_DIR="+dir, "NSTOOL_LAB_TIMEOUT=1")
	_, errOut, code := nstool(t, "", env, "lab", "start", "96", "--step", "2")
	if code != 1 || !strings.Contains(errOut, "did not finish in 1s") || strings.Contains(errOut, "left lab") {
		t.Errorf("lab start 96 --step 2 (step 1's solution hangs): exit %d, stderr %q", code, errOut)
	}
}

// lab reset as a user: --all is root's only (one line, exit 1, nothing
// forgotten); with nothing to forget, a state folder that cannot be
// written is no error.
func TestResetAsNobody(t *testing.T) {
	nstest.RequireRoot(t)
	nobody := asNobody(t)
	for _, c := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"lab", "reset", "--all", "03"}, 1, "", "nstool lab reset: --all ends every user's sandboxes: root only\n"},
		{[]string{"lab", "reset", "--all"}, 1, "", "nstool lab reset: --all ends every user's sandboxes: root only\n"},
		{[]string{"lab", "reset", "04"}, 0, "progress of 04-types forgotten\n", ""},
	} {
		cmd := nobody(c.args...)
		cmd.Env = append(cmd.Env, "XDG_STATE_HOME=/nonexistent/state")
		out, errOut, code := nstooltest.Run(t, cmd)
		if code != c.code || out != c.stdout || errOut != c.stderr {
			t.Errorf("as nobody, nstool %s: exit %d, stdout %q, stderr %q; want %d, %q, %q", strings.Join(c.args, " "), code, out, errOut, c.code, c.stdout, c.stderr)
		}
	}
}

// A setup is done when its bash exits, though a daemon it started in the
// background still holds its output open: verify passes at once, not
// after $NSTOOL_LAB_TIMEOUT with "did not finish".
func TestSetupDaemonDoesNotHoldTheSetup(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	writeLab(t, dir, "95-daemon", "title: Engine test: a setup that starts a daemon\nminutes: 1\n\nA daemon.\n-- setup --\nsleep 1000 &\necho started\n-- step One --\nDo.\n-- check --\nhost /lab/x is mounted tmpfs\n-- hint --\nHm.\n-- solution --\nmkdir -p /lab/x && mount -t tmpfs x /lab/x\n")
	// Held by the daemon's pipe, the setup would "not finish" in 3 s.
	env := append(stateEnv(t), "NSTOOL_LABS_DIR="+dir, "NSTOOL_LAB_TIMEOUT=3")
	out, errOut, code := nstool(t, "", env, "lab", "verify", "95")
	if code != 0 {
		t.Errorf("lab verify 95 (its setup starts a daemon): exit %d\n%s%s", code, out, errOut)
	}
}

// A lab whose setup fails, silently, is one line for lab start and lab
// demo: the sandbox's (why it failed), not a second "its setup failed
// (output above)" over no output.
func TestFailingSetupInOneLine(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	writeLab(t, dir, "94-fails", "title: Engine test: a setup that fails\nminutes: 1\n\nIt fails.\n-- setup --\nfalse\n-- step One --\nDo.\n-- check --\nhost /lab is mounted tmpfs\n-- hint --\nHm.\n-- solution --\ntrue\n")
	env := append(stateEnv(t), "NSTOOL_LABS_DIR="+dir)
	for _, verb := range []string{"start", "demo"} {
		_, errOut, code := nstool(t, "", env, "lab", verb, "94")
		if want := "nstool lab: the setup of lab 94-fails failed: exit status 1\n"; code != 1 || errOut != want {
			t.Errorf("lab %s 94: exit %d, stderr %q; want 1, %q", verb, code, errOut, want)
		}
	}
}

// The sandbox's state written by hand (root in the sandbox may) with a
// step or a hint count below 0, or an actor's PID that is none, is one
// line saying the file is broken, not an index out of range; so is a state
// that is no JSON.
func TestBrokenSandboxState(t *testing.T) {
	nstest.RequireRoot(t)
	var script strings.Builder
	for _, state := range []string{`{"lab": "01-isolation", "step": -3}`, `{"lab": "01-isolation", "hints": -7}`,
		`{"lab": "01-isolation", "actors": {"host": -1}}`, `garbage`} {
		fmt.Fprintf(&script, "echo '%s' > /.nstool/state.json\n", state)
		for _, verb := range []string{"check", "hint", "answer 5"} {
			fmt.Fprintf(&script, "nstool lab %s 2>&1 >/dev/null | grep -c 'nstool lab %s: /.nstool/state.json is broken'; echo rc=${PIPESTATUS[0]}\n", verb, strings.Fields(verb)[0])
		}
	}
	// A lab file with a step without hints (Parse refuses one) is a line too.
	script.WriteString(`cp /.nstool/lab.json /tmp/lab.json; echo '{"ID": "01-isolation", "Steps": [{"Title": "x"}]}' > /.nstool/lab.json; echo '{"lab": "01-isolation"}' > /.nstool/state.json` + "\n")
	script.WriteString("nstool lab hint; echo rc=$?\nexit\n")
	out, errOut, _ := nstool(t, script.String(), stateEnv(t), "lab", "start", "01-isolation")
	if !strings.Contains(errOut, "nstool lab hint: step 1/1 has no hints\n") || !strings.Contains(out, "\nrc=1\n") {
		t.Errorf("a step without hints:\n%s%s", out, errOut)
	}
	if strings.Count(out, "1\nrc=1\n") != 12 || strings.Contains(out+errOut, "panic") {
		t.Errorf("a broken state, 4 kinds × check, hint, answer: want 12 times one line and exit 1:\n%s%s", out, errOut)
	}
}

// A lab named twice (by number and by ID) is verified once.
func TestVerifyALabNamedTwice(t *testing.T) {
	nstest.RequireRoot(t)
	out, errOut, code := nstool(t, "", stateEnv(t), "lab", "verify", "1", "01-isolation", "isolation")
	if code != 0 || strings.Count(out, "ok   01-isolation") != 1 {
		t.Errorf("lab verify 1 01-isolation isolation: exit %d\n%s%s", code, out, errOut)
	}
}

// lab rootfs (for a setup) makes a root in an empty folder only: typed
// with / or a folder that has files, it put the host's programs and a
// minimal /etc in what was there (nstool linked into /usr/bin).
func TestRootfsOnlyInAnEmptyFolder(t *testing.T) {
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"/", full} {
		_, errOut, code := nstool(t, "", nil, "lab", "rootfs", dir)
		if want := "nstool lab rootfs: " + dir + ": not empty: a root is made in an empty folder\n"; code != 1 || errOut != want {
			t.Errorf("lab rootfs %s: exit %d, stderr %q; want 1, %q", dir, code, errOut, want)
		}
	}
	if ents, _ := os.ReadDir(full); len(ents) != 1 {
		t.Errorf("lab rootfs of a folder with a file wrote in it: %v", ents)
	}
}

// A `lab shell` from the host killed (SIGKILL: nothing can be forwarded)
// takes the command it runs in the lab with it, instead of leaving it
// there until the lab ends.
func TestKilledShellTakesItsCommand(t *testing.T) {
	nstest.RequireRoot(t)
	startLabID(t, "05-slave").readyAfter(t, "true")
	shell := exec.Command(nstooltest.Binary(t), "lab", "shell", "container", "--", "sleep", "1234")
	if err := shell.Start(); err != nil {
		t.Fatal(err)
	}
	running := func() bool { return len(processesRunning("sleep\x001234\x00")) > 0 }
	for tries := 0; !running(); tries++ {
		if tries == 1000 {
			t.Fatal("lab shell container -- sleep 1234: the sleep never ran")
		}
		time.Sleep(10 * time.Millisecond)
	}
	shell.Process.Kill()
	shell.Wait()
	// The kernel sends the signal as the parent dies; the sleep may take a
	// moment to end.
	for tries := 0; running(); tries++ {
		if tries == 1000 {
			t.Fatalf("lab shell killed: its sleep runs on: %v", processesRunning("sleep\x001234\x00"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// processesRunning lists the processes (not zombies) whose command line is
// cmdline (its NUL-separated words).
func processesRunning(cmdline string) []string {
	var pids []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		got, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || string(got) != cmdline {
			continue
		}
		if stat, err := os.ReadFile("/proc/" + e.Name() + "/stat"); err == nil && !strings.Contains(string(stat), ") Z ") {
			pids = append(pids, e.Name())
		}
	}
	return pids
}
