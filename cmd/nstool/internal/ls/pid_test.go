package ls_test

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// -p of a process that is not there, or whose namespaces may not be read
// (PID 1 as nobody): nothing on stdout and exit 0, as lsns -p; the
// lsns-exact view (-l) says nothing on stderr either, nstool's own view
// its one note on what it could not read.
func TestPIDNotThereOrUnreadable(t *testing.T) {
	if _, err := exec.LookPath("lsns"); err != nil {
		t.Skip("lsns is not installed")
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
	}
	bin := nstooltest.BinaryForNobody(t)
	run := func(name string, args ...string) (string, string, int) {
		c := exec.Command(name, args...)
		c.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		return nstooltest.Run(t, c)
	}
	for _, pid := range []string{"1", "2147483600", "-7"} {
		lOut, lErr, lCode := run("lsns", "-p", pid)
		if lOut != "" || lErr != "" || lCode != 0 {
			t.Logf("lsns -p %s: %q %q %d (not what 2.38.1 does)", pid, lOut, lErr, lCode)
		}
		if out, errOut, code := run(bin, "ls", "-l", "-p", pid); out != lOut || errOut != lErr || code != lCode {
			t.Errorf("nstool ls -l -p %s: stdout %q, stderr %q, exit %d; lsns %q %q %d", pid, out, errOut, code, lOut, lErr, lCode)
		}
		out, errOut, code := run(bin, "ls", "-p", pid)
		if out != lOut || code != lCode || errOut != "" && (strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "nstool ls: could not read")) {
			t.Errorf("nstool ls -p %s: stdout %q, stderr %q, exit %d; lsns %q %d", pid, out, errOut, code, lOut, lCode)
		}
	}
}
