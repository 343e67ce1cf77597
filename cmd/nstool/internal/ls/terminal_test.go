package ls_test

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/root"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// A terminal of any width, or none: the table fits (truncating CMD) and
// nothing breaks. cinf panics without a terminal.
func TestTerminalWidths(t *testing.T) {
	for _, width := range []int{0, 20, 40, 80, 200} {
		ios, _, out, errOut := cli.Test()
		if width > 0 {
			ios.SetStdoutTTY(true)
			ios.SetTerminalWidth(width)
		}
		code := root.Run(ios, root.NewCmd(ios), []string{"ls"})
		if code != 0 {
			t.Fatalf("width %d: exit %d: %s", width, code, errOut)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) < 2 || !strings.Contains(lines[0], "NAMESPACE") {
			t.Fatalf("width %d: output\n%s", width, out)
		}
		if width >= 40 {
			for _, l := range lines {
				if n := len([]rune(l)); n > width {
					t.Errorf("width %d: line of %d columns: %q", width, n, l)
				}
			}
		}
	}
}

// As an unprivileged user: what can be seen is listed (its own
// namespaces), what cannot is said once on stderr, and the exit is 0.
func TestAsNonRoot(t *testing.T) {
	// As root, it becomes nobody; without root, it is the test's own user.
	uid, cred := os.Getuid(), (*syscall.Credential)(nil)
	if os.Geteuid() == 0 {
		uid, cred = 65534, &syscall.Credential{Uid: 65534, Gid: 65534}
	}
	bin := nstooltest.BinaryForNobody(t)
	cmd := exec.Command(bin, "ls", "-r", "-o", "NS,TYPE,NPROCS,USERS,PID")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("as nobody: %v\n%s", err, errOut.String())
	}
	rows := strings.Split(strings.TrimSpace(out.String()), "\n")[1:]
	types := map[string]bool{}
	for _, r := range rows {
		f := strings.Fields(r)
		if len(f) != 5 || f[3] != strconv.Itoa(uid) {
			t.Errorf("row %q: want only namespaces of uid %d's processes", r, uid)
			continue
		}
		types[f[1]] = true
	}
	if len(types) != 8 {
		t.Errorf("want its own 8 namespaces, got types %v:\n%s", types, out.String())
	}
	msg := errOut.String()
	if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "nstool ls: could not read the namespaces of ") {
		t.Errorf("stderr %q: want one line saying what could not be read", msg)
	}
}
