package lab

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/labs"
	"github.com/nstool/nstool/nsutil/nstest"
)

// nstool runs the binary with a private progress file; it returns stdout,
// stderr and the exit code.
func nstool(t *testing.T, stdin string, env []string, args ...string) (string, string, int) {
	t.Helper()
	return nstooltest.Run(t, nstoolCmd(t, stdin, env, args...))
}

// nstoolCmd is the command nstool runs: nstool ARGS with env added and
// stdin on its standard input.
func nstoolCmd(t *testing.T, stdin string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(nstooltest.Binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	return cmd
}

func stateEnv(t *testing.T) []string { return []string{"XDG_STATE_HOME=" + t.TempDir()} }

// Every lab's reference solution passes every step on this kernel, in a
// fresh sandbox, and the host's mount table is as before.
func TestVerifyEveryLab(t *testing.T) {
	nstest.RequireRoot(t)
	before, _ := os.ReadFile("/proc/self/mountinfo")
	out, errOut, code := nstool(t, "", stateEnv(t), "lab", "verify")
	t.Log("\n" + out)
	if code != 0 {
		t.Fatalf("nstool lab verify: exit %d\n%s", code, errOut)
	}
	okForEveryLab(t, out)
	sameMountTable(t, before, "the mount table changed")
}

// okForEveryLab fails t unless `lab verify`'s output has an ok line for
// every lab.
func okForEveryLab(t *testing.T, out string) {
	t.Helper()
	all, _ := labs.All()
	for _, l := range all {
		if !regexp.MustCompile(`(?m)^ok +` + l.ID + ` \(`).MatchString(out) {
			t.Errorf("no ok line for %s:\n%s", l.ID, out)
		}
	}
}

// verifyPasses runs cmd, a `lab verify`, and fails t unless it exits 0
// with output that the regular expression ok matches and leaves this
// test's mount table as it was (sameMountTable, saying says).
func verifyPasses(t *testing.T, cmd *exec.Cmd, ok, says string) {
	t.Helper()
	before, _ := os.ReadFile("/proc/self/mountinfo")
	out, errOut, code := nstooltest.Run(t, cmd)
	if code != 0 || !regexp.MustCompile(ok).MatchString(out) {
		t.Fatalf("%s: exit %d\n%s%s", strings.Join(cmd.Args[1:], " "), code, out, errOut)
	}
	sameMountTable(t, before, says)
}

// sameMountTable fails t, saying so, if this test's mount table is no
// longer before.
func sameMountTable(t *testing.T, before []byte, says string) {
	t.Helper()
	if after, _ := os.ReadFile("/proc/self/mountinfo"); !bytes.Equal(before, after) {
		t.Errorf("%s:\n%s\n----\n%s", says, before, after)
	}
}

// A rootless lab runs as nobody in a user namespace even when root starts
// it; its actor's copies of the mounts are locked, which only an unmount
// attempt shows.
func TestRootlessLab(t *testing.T) {
	nstest.RequireRoot(t)
	dir, _ := filepath.Abs("testdata/labs")
	out, errOut, code := nstool(t, "", append(stateEnv(t), "NSTOOL_LABS_DIR="+dir), "lab", "verify", "90-rootless")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "ok   90-rootless") {
		t.Fatalf("output:\n%s", out)
	}
}

// The learner's path: a shell reading the solution and `nstool lab check`
// after each step; check moves on, the prompt follows, progress is kept.
func TestStartCheckAndProgress(t *testing.T) {
	nstest.RequireRoot(t)
	all, _ := labs.All()
	l, _ := labs.Find(all, "04")
	var script strings.Builder
	script.WriteString("nstool lab check; echo check-before=$?\nnstool lab hint\nnstool lab hint\nnstool lab hint\n")
	for i, s := range l.Steps {
		script.WriteString(s.Solution + "\n")
		script.WriteString("nstool lab check\n")
		if i == 1 {
			script.WriteString("nstool lab __prompt; echo\n")
		}
	}
	script.WriteString("nstool lab check\nexit\n")
	env := stateEnv(t)
	out, errOut, code := nstool(t, script.String(), env, "lab", "start", "04-types")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"✗ step 1/7: The source: a shared tmpfs: not yet",
		"/lab/src is not a mount point in host's namespace",
		"check-before=1",
		"hint 1/2: " + l.Steps[0].Hints[0],
		"hint 2/2: " + l.Steps[0].Hints[1],
		"✓ step 1/7: The source: a shared tmpfs",
		"Step 2/7 · shared: a peer",
		"[lab 04 · step 3/7] host",
		"✓ step 7/7",
		"Lab 04 complete",
		"This lab is complete",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s\nstderr:\n%s", out, errOut)
	}
	if !strings.Contains(errOut, "lab 04-types done; the sandbox is gone.") {
		t.Errorf("stderr: %s", errOut)
	}
	for _, r := range listJSON(t, env) {
		if r.Title == "" || r.Minutes == 0 {
			t.Errorf("row %+v lacks title or minutes", r)
		}
		if r.Done != (r.ID == "04-types") {
			t.Errorf("%s done=%v after finishing only 04-types", r.ID, r.Done)
		}
	}
	// reset forgets it.
	if out, _, code := nstool(t, "", env, "lab", "reset", "4"); code != 0 || !strings.Contains(out, "progress of 04-types forgotten") {
		t.Fatalf("reset: exit %d: %s", code, out)
	}
	for _, r := range listJSON(t, env) {
		if r.Done || r.Passed > 0 {
			t.Errorf("after reset: %+v", r)
		}
	}
}

// `lab shell NAME -- CMD` from the host enters the running sandbox and the
// actor's mount namespace.
func TestShellFromTheHost(t *testing.T) {
	nstest.RequireRoot(t)
	first := startLabID(t, "05-slave").readyAfter(t, "mkdir /lab/vol/in; mount -t tmpfs in /lab/vol/in")
	got, errOut, _ := nstool(t, "", nil, "lab", "shell", "container", "--", "sh", "-c", "findmnt -rn -o TARGET,PROPAGATION -R /lab/vol; readlink /proc/1/ns/pid")
	if !strings.Contains(got, "/lab/vol private,slave") || !strings.Contains(got, "/lab/vol/in") {
		t.Fatalf("lab shell container saw:\n%s%s", got, errOut)
	}
	own, _ := os.Readlink("/proc/self/ns/pid")
	if strings.Contains(got, own) {
		t.Errorf("the shell ran in the host's PID namespace %s", own)
	}
	if _, errOut, code := nstool(t, "", nil, "lab", "shell", "nobody-here", "--", "true"); code != 1 || !strings.Contains(errOut, `no actor "nobody-here"`) {
		t.Errorf("unknown actor: exit %d: %s", code, errOut)
	}
	// The command's own status, and nothing said: the lab runs on (the
	// check that it had ended read the sandbox's /proc, where the thread
	// that entered it had stayed, and said so of every lab shell).
	if _, errOut, code := nstool(t, "", nil, "lab", "shell", "host", "--", "sh", "-c", "exit 3"); code != 3 || errOut != "" {
		t.Errorf("lab shell host -- sh -c 'exit 3': exit %d, stderr %q; want 3 and nothing", code, errOut)
	}
	// A command that is not there: util-linux nsenter's status (127) and line.
	want := exec.Command("nsenter", "-t", strconv.Itoa(os.Getpid()), "-m", "/nonexistent")
	_, wantErr, wantCode := nstooltest.Run(t, want)
	for _, actor := range []string{"host", "container"} {
		_, errOut, code := nstool(t, "", nil, "lab", "shell", actor, "--", "/nonexistent")
		if code != wantCode || strings.TrimPrefix(errOut, "nstool lab shell: ") != strings.TrimPrefix(wantErr, "nsenter: ") {
			t.Errorf("lab shell %s -- /nonexistent: exit %d, %q; util-linux nsenter: exit %d, %q", actor, code, errOut, wantCode, wantErr)
		}
	}
	// reset ends the running sandbox: `lab start` returns although its
	// shell's input is still open.
	if out, _, code := nstool(t, "", stateEnv(t), "lab", "reset", "05"); code != 0 || !strings.Contains(out, "ended the running sandbox of 05-slave") {
		t.Errorf("reset: exit %d: %s", code, out)
	}
	if first.wait() == nil {
		t.Errorf("lab start ended cleanly after reset; want it killed")
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"lab", "show", "99"}, 1, "nstool lab show: no lab \"99\" (labs: 01-isolation"},
		{[]string{"lab", "start", "nope"}, 1, "nstool lab start: no lab \"nope\""},
		{[]string{"lab", "check"}, 1, "nstool lab check: not inside a lab sandbox: start one with `nstool lab start ID`"},
		{[]string{"lab", "hint"}, 1, "nstool lab hint: not inside a lab sandbox"},
		{[]string{"lab", "answer", "3"}, 1, "nstool lab answer: not inside a lab sandbox"},
		{[]string{"lab", "actor", "x"}, 1, "nstool lab actor: not inside a lab sandbox"},
		{[]string{"lab", "shell", "--lab", "77-none", "host"}, 1, "nstool lab shell: no lab \"77-none\" (labs: 01-isolation"},
		{[]string{"lab", "shell", "--lab", "5", "host"}, 1, "nstool lab shell: no lab 05-slave is running: start it with `nstool lab start 05-slave`\n"},
		{[]string{"lab", "shell", "--lab", "", "host"}, 1, "nstool lab shell: --lab: no lab specified\n"},
		{[]string{"lab", "verify", "99"}, 1, "nstool lab verify: no lab \"99\""},
		{[]string{"lab", "show"}, 1, "nstool lab show: accepts 1 arg(s), received 0"},
		// --step 0 is no step (it was the first), a word no number (it was strconv's message and a usage line).
		{[]string{"lab", "start", "01", "--step", "0"}, 1, "nstool lab start: --step '0': lab 01-isolation has steps 1 to 6\n"},
		{[]string{"lab", "start", "01", "--step=x"}, 1, "nstool lab start: --step 'x': lab 01-isolation has steps 1 to 6\n"},
		{[]string{"lab", "start", "01", "--step="}, 1, "nstool lab start: --step '': lab 01-isolation has steps 1 to 6\n"},
		{[]string{"lab", "start", "01", "--step", "7"}, 1, "nstool lab start: --step '7': lab 01-isolation has steps 1 to 6\n"},
	} {
		_, errOut, code := nstool(t, "", stateEnv(t), tc.args...)
		if code != tc.code || !strings.HasPrefix(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d, %q", tc.args, code, errOut, tc.code, tc.want)
		}
		if strings.Contains(errOut, "Usage:") || strings.Contains(errOut, "panic") {
			t.Errorf("%v: usage dump or panic:\n%s", tc.args, errOut)
		}
	}
}

func TestShowAndList(t *testing.T) {
	out, _, code := nstool(t, "", stateEnv(t), "lab", "show", "06")
	if code != 0 || !strings.HasPrefix(out, "# Lab 06 ") || !strings.Contains(out, "## Steps\n\n1. ") {
		t.Fatalf("show: exit %d:\n%s", code, out)
	}
	out, _, _ = nstool(t, "", stateEnv(t), "lab", "list")
	if !regexp.MustCompile(`(?m)^  01-isolation +\d+ min  What a mount namespace isolates$`).MatchString(out) {
		t.Fatalf("list:\n%s", out)
	}
}

// On a systemd host "/" and everything under it is shared. The sandbox
// must still be private from it: make this test's namespace look like such
// a host, run every lab, and see that nothing propagated back.
func TestLabsOnASharedHost(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.Mount(t, "none", "/", "", syscall.MS_REC|syscall.MS_SHARED, "")
	t.Cleanup(func() { syscall.Mount("none", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, "") })
	before, _ := os.ReadFile("/proc/self/mountinfo")
	if !strings.Contains(string(before), " / / rw") || !strings.Contains(string(before), "shared:") {
		t.Fatalf("/ is not shared:\n%s", before)
	}
	out, errOut, code := nstool(t, "", stateEnv(t), "lab", "verify")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	sameMountTable(t, before, "a lab changed the shared host's mount table")
}

// A rootless sandbox is entered through its user namespace (`nstool
// nsenter` does that part: a multithreaded Go process cannot setns(2) into a
// user namespace, nstool's single-threaded spawn child can).
func TestShellIntoARootlessLab(t *testing.T) {
	nstest.RequireRoot(t)
	dir, _ := filepath.Abs("testdata/labs")
	env := append(stateEnv(t), "NSTOOL_LABS_DIR="+dir)
	cmd := exec.Command(nstooltest.Binary(t), "lab", "start", "90-rootless")
	cmd.Env = append(os.Environ(), env...)
	first := startLab(t, cmd)
	defer first.end()
	first.typeThenWait(t, "mkdir /lab/x; mount -t tmpfs x /lab/x")
	got, errOut, _ := nstool(t, "", env, "lab", "shell", "host", "--", "sh", "-c", "cat /proc/self/uid_map; findmnt -rn -o TARGET /lab/x")
	if !regexp.MustCompile(`^\s*0\s+65534\s+1\n/lab/x\n`).MatchString(got) {
		t.Fatalf("lab shell host in a rootless lab saw:\n%s%s", got, errOut)
	}
}

// A student without root runs every lab in a user namespace: run them all
// as nobody.
func TestEveryLabWithoutRoot(t *testing.T) {
	nstest.RequireRoot(t)
	dir := nobodysCopy(t)
	cmd := exec.Command(dir+"/nstool", "lab", "verify")
	cmd.Dir = "/"
	cmd.Env = append(os.Environ(), "HOME=/nonexistent", "XDG_STATE_HOME=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nstool lab verify as nobody: %v\n%s", err, out)
	}
	okForEveryLab(t, string(out))
}

// A student without root: one terminal runs `lab start`, a second terminal
// (another process, the same unprivileged user) enters the lab's container
// and its host. Both are root inside the sandbox's user namespace.
func TestSecondTerminalWithoutRoot(t *testing.T) {
	nstest.RequireRoot(t)
	nobody := asNobody(t)
	first := startLab(t, nobody("lab", "start", "05-slave"))
	defer first.end()
	first.typeThenWait(t, "mkdir /lab/vol/in; mount -t tmpfs in /lab/vol/in")
	second := nobody("lab", "shell", "container", "--", "sh", "-c", "id -u && command -v nstool && findmnt -rn -o TARGET -R /lab/vol")
	b, err := second.CombinedOutput()
	if got := string(b); !strings.HasPrefix(got, "0\n/.nstool/bin/nstool\n") || !strings.Contains(got, "/lab/vol/in") {
		t.Fatalf("second terminal as nobody, lab shell container: %v:\n%s\nfirst terminal:\n%s", err, got, first.out.String())
	}
	host := nobody("lab", "shell", "host", "--", "id", "-u")
	if b, err := host.CombinedOutput(); err != nil || string(b) != "0\n" {
		t.Fatalf("second terminal as nobody, lab shell host: %v: %s", err, b)
	}
}

// asNobody returns a maker of nstool command lines run as nobody, from a
// copy of the binary nobody can run, with a progress folder of its own.
func asNobody(t *testing.T) func(args ...string) *exec.Cmd {
	dir := nobodysCopy(t)
	state := dir + "/state"
	os.Mkdir(state, 0o755)
	os.Chown(state, 65534, 65534)
	return func(args ...string) *exec.Cmd {
		c := exec.Command(dir+"/nstool", args...)
		c.Dir = "/"
		c.Env = append(os.Environ(), "HOME=/nonexistent", "XDG_STATE_HOME="+state)
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}},
			Pdeathsig: syscall.SIGKILL}
		return c
	}
}

// nobodysCopy copies the binary under test to a new folder that nobody
// (UID 65534) can read, and returns the folder; t.TempDir's is root's only.
func nobodysCopy(t *testing.T) string {
	t.Helper()
	return filepath.Dir(nstooltest.BinaryForNobody(t))
}

// listRow is one lab in `lab list --json`, read as a script reads it.
type listRow struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Minutes int    `json:"minutes"`
	Passed  int    `json:"steps_passed"`
	Done    bool   `json:"done"`
}

// listJSON runs `lab list --json` with env and decodes it.
func listJSON(t *testing.T, env []string) []listRow {
	t.Helper()
	out, _, code := nstool(t, "", env, "lab", "list", "--json")
	var rows []listRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil || code != 0 {
		t.Fatalf("lab list --json: %v (exit %d)\n%s", err, code, out)
	}
	return rows
}

// A lab left mid-way is listed with how far it got, on a terminal and in JSON.
func TestListShowsTheStepReached(t *testing.T) {
	env := stateEnv(t)
	dir := strings.TrimPrefix(env[0], "XDG_STATE_HOME=") + "/nstool"
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(dir+"/progress.json", []byte(`{"05-slave": {"done": false, "best_step": 3}, "01-isolation": {"done": true, "best_step": 5}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, _ := nstool(t, "", env, "lab", "list")
	if !regexp.MustCompile(`(?m)^… 05-slave +\d+ min  .+  \(3/\d+ steps passed; lab start goes on from step 4\)$`).MatchString(out) {
		t.Errorf("lab list, a lab in progress:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^✓ 01-isolation +\d+ min  What a mount namespace isolates$`).MatchString(out) {
		t.Errorf("lab list, a lab done:\n%s", out)
	}
	for _, r := range listJSON(t, env) {
		want := map[string]int{"05-slave": 3, "01-isolation": 5}[r.ID]
		if r.Passed != want || r.Done != (r.ID == "01-isolation") {
			t.Errorf("lab list --json: %+v; want steps_passed %d", r, want)
		}
	}
}

// On a class server root's `lab reset` ends root's own sandboxes only;
// --all ends a student's too, and the student's terminal says who did it.
func TestResetEndsOnlyYourOwnUnlessAll(t *testing.T) {
	nstest.RequireRoot(t)
	student := startLab(t, asNobody(t)("lab", "start", "05-slave"))
	defer student.kill()
	// Running once the student's shell shows its prompt: the sandbox is
	// ready (an earlier test's sandbox may still be going away).
	if !student.until(func() bool {
		return strings.Contains(student.out.String(), "[lab 05 · step 1/6]") && studentsSandboxUp(student.cmd.Process.Pid)
	}) {
		t.Fatalf("the student's lab ended before it came up:\n%s", student.out.String())
	}
	rootState := stateEnv(t)
	got, _, code := nstool(t, "", rootState, "lab", "reset", "05")
	if code != 0 || strings.Contains(got, "ended the running sandbox") || !strings.Contains(got, "left 1 sandbox(es) of other users running") {
		t.Fatalf("root's lab reset 05: exit %d:\n%s", code, got)
	}
	got, _, code = nstool(t, "", rootState, "lab", "reset", "--all", "05")
	if code != 0 || !strings.Contains(got, "ended the running sandbox of 05-slave (nobody's)") {
		t.Fatalf("root's lab reset --all 05: exit %d:\n%s", code, got)
	}
	student.end()
	if !strings.Contains(student.out.String(), "root ended the lab (nstool lab reset); `nstool lab start 05-slave` starts it again") {
		t.Errorf("the student's terminal does not say who ended the lab:\n%s", student.out.String())
	}
}

// lab shell --lab names a running lab as lab start names one (it matched
// any part of the ID: "e" was every lab), and two sandboxes of one lab,
// which --lab cannot tell apart, are said so.
func TestShellChoosesTheLab(t *testing.T) {
	nstest.RequireRoot(t)
	for _, id := range []string{"05-slave", "05-slave", "01-isolation"} {
		startLabID(t, id).readyAfter(t, "true")
	}
	for _, tc := range []struct {
		lab  string
		code int
		want string
	}{
		{"1", 0, ""},
		{"isolation", 0, ""},
		{"5", 1, "nstool lab shell: 2 sandboxes of lab 05-slave are running: `exit` all but one (or `nstool lab reset 05-slave` ends them)\n"},
		{"e", 1, "nstool lab shell: no lab \"e\" (labs: 01-isolation"},
	} {
		_, errOut, code := nstool(t, "", nil, "lab", "shell", "--lab", tc.lab, "host", "--", "true")
		if code != tc.code || !strings.HasPrefix(errOut, tc.want) || (tc.want == "" && errOut != "") {
			t.Errorf("lab shell --lab %s host -- true: exit %d, stderr %q; want %d, %q", tc.lab, code, errOut, tc.code, tc.want)
		}
	}
}

// studentsSandboxUp: a running sandbox of lab 05, started by parent, has
// written its state.
func studentsSandboxUp(parent int) bool {
	for _, sb := range labs.FindSandboxes(stages) {
		if p, ok := readProc(sb.InitPID); ok && p.ppid == parent && sb.Lab == "05-slave" {
			return true
		}
	}
	return false
}

// bgLab is `nstool lab start` running in the background, a learner's first
// terminal: the test types into it and reads what it shows.
type bgLab struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *lockedBuffer // stdout and stderr
	done  chan struct{} // closed once it has ended
	err   error         // how it ended, once done
}

// startLabID starts `nstool lab start ID` with a progress file of its own.
func startLabID(t *testing.T, id string) *bgLab {
	t.Helper()
	cmd := exec.Command(nstooltest.Binary(t), "lab", "start", id)
	cmd.Env = append(os.Environ(), stateEnv(t)...)
	return startLab(t, cmd)
}

func startLab(t *testing.T, cmd *exec.Cmd) *bgLab {
	t.Helper()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	b := &bgLab{cmd: cmd, stdin: stdin, out: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = b.out, b.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { b.err = cmd.Wait(); close(b.done) }()
	return b
}

// typeThenWait types line into the sandbox's shell and waits until the
// shell has run it: the sandbox is up, and line has done its work.
func (b *bgLab) typeThenWait(t *testing.T, line string) {
	t.Helper()
	// The shell computes the mark, so that the line typed cannot show it;
	// one more of them than before says this line has run.
	ran := strings.Count(b.out.String(), "ran-42-lines\n")
	fmt.Fprintf(b.stdin, "%s; echo ran-$((6*7))-lines\n", line)
	if !b.until(func() bool { return strings.Count(b.out.String(), "ran-42-lines\n") > ran }) {
		t.Fatalf("lab start ended (%v) before it ran %q:\n%s", b.err, line, b.out.String())
	}
}

// readyAfter has b's shell run line (typeThenWait), b killed when the test
// ends, and returns b.
func (b *bgLab) readyAfter(t *testing.T, line string) *bgLab {
	t.Helper()
	t.Cleanup(b.kill)
	b.typeThenWait(t, line)
	return b
}

// until waits until ok holds, as long as the lab runs; it tells whether ok
// held.
func (b *bgLab) until(ok func() bool) bool {
	for !ok() {
		select {
		case <-b.done:
			return ok()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return true
}

// wait waits for the lab to end and returns how it ended.
func (b *bgLab) wait() error {
	<-b.done
	return b.err
}

// end closes the shell's input, as a learner's exit, and waits for the end.
func (b *bgLab) end() {
	b.stdin.Close()
	b.wait()
}

// kill ends the lab at once (a test that stopped early).
func (b *bgLab) kill() {
	b.stdin.Close()
	b.cmd.Process.Kill()
	b.wait()
}

// lockedBuffer is a bytes.Buffer that a test may read while a process writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// `lab answer` on a step that asks nothing says so and fails; on a step
// with a question it records the answer.
func TestAnswerOnlyWhereAsked(t *testing.T) {
	nstest.RequireRoot(t)
	out, errOut, _ := nstool(t, "nstool lab answer 3; echo rc=$?\nexit\n", stateEnv(t), "lab", "start", "06-unbindable")
	out += errOut
	if !strings.Contains(out, "nstool lab answer: step 1/") || !strings.Contains(out, "asks no question") || !strings.Contains(out, "rc=1") {
		t.Errorf("lab 06 step 1, an answer:\n%s", out)
	}
	out, _, _ = nstool(t, "nstool lab answer 3; echo rc=$?\nexit\n", stateEnv(t), "lab", "start", "01-isolation")
	if !strings.Contains(out, "answer recorded: 3") || !strings.Contains(out, "rc=0") {
		t.Errorf("lab 01 step 1, an answer:\n%s", out)
	}
	// An empty answer is none; one of 100,000 bytes is no number or word.
	script := "nstool lab answer ''; echo rc=$?\nnstool lab answer \"$(head -c 100000 /dev/zero | tr '\\0' 7)\"; echo rc=$?\nnstool lab check >/dev/null; echo rc=$?\nexit\n"
	out, errOut, _ = nstool(t, script, stateEnv(t), "lab", "start", "01-isolation")
	if strings.Count(out, "rc=1") != 3 || !strings.Contains(errOut, "nstool lab answer: an empty answer") ||
		!strings.Contains(errOut, "nstool lab answer: an answer of 100000 bytes") || strings.Contains(errOut, "nstool lab check:") {
		t.Errorf("lab 01 step 1, an empty answer, a huge one, then a check:\n%s%s", out, errOut)
	}
}

// The second terminal is told when the lab ends under it, and the prompt
// there has the colour of the first terminal's when the terminal wants it.
func TestSecondTerminalToldWhenTheLabEnds(t *testing.T) {
	nstest.RequireRoot(t)
	first := startLabID(t, "05-slave").readyAfter(t, "true")
	second := exec.Command(nstooltest.Binary(t), "--color=always", "lab", "shell", "container", "--", "sh", "-c", `echo "color=$NSTOOL_LAB_COLOR"; exec sleep 1000`)
	var out lockedBuffer
	second.Stdout, second.Stderr = &out, &out
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- second.Wait() }()
	for !strings.Contains(out.String(), "color=") {
		select {
		case err := <-done:
			t.Fatalf("lab shell ended (%v) before its command ran:\n%s", err, out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	first.end()
	err := <-done
	if err == nil || !strings.Contains(out.String(), "nstool lab shell: lab 05-slave has ended") {
		t.Errorf("the second terminal, after the lab ended: %v:\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "color=1\n") {
		t.Errorf("the second terminal's shell is not told the terminal wants colour:\n%s", out.String())
	}
}

// A reset right at a lab's start, before its setup has run: the learner's
// terminal still says who ended the lab (the state reached `lab start`).
func TestResetRightAtTheStart(t *testing.T) {
	nstest.RequireRoot(t)
	for i := 0; i < 3; i++ {
		env := stateEnv(t)
		cmd := exec.Command(nstooltest.Binary(t), "lab", "start", "05-slave")
		cmd.Env = append(os.Environ(), env...)
		learner := startLab(t, cmd)
		// The moment the sandbox's init runs: its command line says so.
		if !learner.until(func() bool {
			for _, p := range children(learner.cmd.Process.Pid) {
				cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p))
				if stages.IsInit(strings.Split(strings.TrimSuffix(string(cmdline), "\x00"), "\x00")) {
					return true
				}
			}
			return false
		}) {
			t.Fatalf("the lab ended before its init ran:\n%s", learner.out.String())
		}
		got, _, code := nstool(t, "", env, "lab", "reset", "05")
		learner.end()
		if code != 0 || !strings.Contains(got, "ended the running sandbox of 05-slave") {
			t.Fatalf("reset at the start: exit %d: %s", code, got)
		}
		if !strings.Contains(learner.out.String(), "root ended the lab (nstool lab reset)") {
			t.Fatalf("the learner's terminal after a reset at the start:\n%s", learner.out.String())
		}
	}
}

// children are the PIDs whose parent is pid.
func children(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			if p, ok := readProc(n); ok && p.ppid == pid {
				out = append(out, n)
			}
		}
	}
	return out
}

// A prompt once drawn cannot change: a second terminal's next prompt says
// that the lab moved on in the first; the first, where `lab check` showed
// the new step, is not told again.
func TestSecondTerminalToldOfTheNextStep(t *testing.T) {
	nstest.RequireRoot(t)
	first := startLabID(t, "05-slave").readyAfter(t, "true")
	second := startLab(t, exec.Command(nstooltest.Binary(t), "lab", "shell", "container")).readyAfter(t, "true")
	all, _ := labs.All()
	l, _ := labs.Find(all, "05")
	first.typeThenWait(t, strings.ReplaceAll(l.Steps[0].Solution, "\n", "; ")+"; nstool lab check")
	first.typeThenWait(t, "true")
	// The note is in the prompt drawn after a line has run: a second line
	// makes sure that prompt is in the output already.
	second.typeThenWait(t, "true")
	second.typeThenWait(t, "true")
	note := "(the lab is at step 2/6 now: " + l.Steps[1].Title + ")"
	if !strings.Contains(second.out.String(), note) {
		t.Errorf("the second terminal is not told of step 2:\n%s", second.out.String())
	}
	if strings.Contains(first.out.String(), note) {
		t.Errorf("the first terminal, which checked, is told again:\n%s", first.out.String())
	}
}
