package lab

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/labs"
	"github.com/nstool/nstool/nsutil/nstest"
)

// Lab 11's reference solution passes as nobody, run as a student without
// root runs it (setpriv --reuid=65534 from a folder nobody can read).
func TestRootlessLabAsNobody(t *testing.T) {
	nstest.RequireRoot(t)
	verifyPasses(t, asNobody(t)("lab", "verify", "11-rootless"), `(?m)^ok +11-rootless \(7 steps`,
		"lab 11 as nobody changed the mount table")
}

// The learner's path in lab 11, started by root (so run as nobody): in the
// copy the learner made, a user namespace of its own, `lab check` passes
// steps whose checks probe the host's namespace (through the sandbox's
// relay), `lab shell host -- COMMAND` runs in the host's user namespace,
// `lab shell host` alone says why not, and root's side keeps the progress.
func TestRootlessLabFromInsideTheCopy(t *testing.T) {
	nstest.RequireRoot(t)
	all, _ := labs.All()
	l, _ := labs.Find(all, "11-rootless")
	env := stateEnv(t)
	cmd := exec.Command(nstooltest.Binary(t), "lab", "start", "11-rootless")
	cmd.Env = append(os.Environ(), env...)
	first := startLab(t, cmd)
	defer first.kill()
	for _, step := range l.Steps[:2] {
		for _, c := range labs.Commands(step.Solution) {
			if strings.HasPrefix(c, "nstool unshare") {
				// A shell that reads the next lines: it says when it runs them.
				first.stdin.Write([]byte(c + "\n"))
				continue
			}
			first.typeThenWait(t, c)
		}
		first.typeThenWait(t, "nstool lab check")
	}
	first.typeThenWait(t, `echo "copy=$(readlink /proc/self/ns/user) host=$(nstool lab shell host -- readlink /proc/self/ns/user)"`)
	first.typeThenWait(t, "nstool lab shell host; echo shell-rc=$?")
	first.stdin.Write([]byte("exit\n")) // the copy's shell; end() is the host's
	first.end()
	out := first.out.String()
	for _, want := range []string{"✓ step 1/7", "✓ step 2/7", "shell-rc=1",
		"nstool lab shell: this shell is in a user namespace of its own",
		"left lab 11-rootless at step 3/7"} {
		if !strings.Contains(out, want) {
			t.Errorf("lab start 11-rootless: no %q", want)
		}
	}
	if m := regexp.MustCompile(`copy=(user:\[\d+\]) host=(user:\[\d+\])`).FindStringSubmatch(out); m == nil || m[1] == m[2] {
		t.Errorf("lab shell host -- COMMAND from the copy did not run in the host's user namespace: %q", m)
	}
	if rows := listJSON(t, env); !hasProgress(rows, "11-rootless", 2) {
		t.Errorf("the progress of a rootless lab run by root was not kept: %+v", rows)
	}
	if t.Failed() {
		t.Logf("the terminal:\n%s", out)
	}
}

func hasProgress(rows []listRow, id string, passed int) bool {
	for _, r := range rows {
		if r.ID == id {
			return r.Passed == passed
		}
	}
	return false
}

// Going on from step 3 of lab 11: the earlier steps' copy is a user
// namespace of its own, and the learner's shell opens in it, not in its
// mount namespace alone with the sandbox's privileges.
func TestGoOnIntoTheCopysUserNamespace(t *testing.T) {
	nstest.RequireRoot(t)
	cmd := exec.Command(nstooltest.Binary(t), "lab", "start", "11-rootless", "--step", "3")
	cmd.Env = append(os.Environ(), stateEnv(t)...)
	first := startLab(t, cmd).readyAfter(t, `echo "here=$(readlink /proc/self/ns/user) host=$(nstool lab shell host -- readlink /proc/self/ns/user)"`)
	first.stdin.Write([]byte("exit\n")) // the copy's shell; end() is the host's
	first.end()
	out := first.out.String()
	m := regexp.MustCompile(`here=(user:\[\d+\]) host=(user:\[\d+\])`).FindStringSubmatch(out)
	if !strings.Contains(out, "Going on from step 3/7") || m == nil || m[1] == m[2] {
		t.Fatalf("lab start 11-rootless --step 3: the shell is not in the copy's user namespace (%q):\n%s", m, out)
	}
}

// A rootless lab that root started runs as nobody, and is still root's:
// root's `lab reset` ends it as its own, and root's terminal says who did.
func TestResetEndsRootsRootlessLab(t *testing.T) {
	nstest.RequireRoot(t)
	env := stateEnv(t)
	cmd := exec.Command(nstooltest.Binary(t), "lab", "start", "11-rootless")
	cmd.Env = append(os.Environ(), env...)
	first := startLab(t, cmd).readyAfter(t, "true")
	got, _, code := nstool(t, "", env, "lab", "reset", "11")
	if code != 0 || !strings.Contains(got, "ended the running sandbox of 11-rootless (root's)") {
		t.Fatalf("root's lab reset 11: exit %d:\n%s", code, got)
	}
	first.end()
	if !strings.Contains(first.out.String(), "root ended the lab (nstool lab reset)") {
		t.Errorf("root's terminal does not say who ended the lab:\n%s", first.out.String())
	}
}
