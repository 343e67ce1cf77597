package ls_test

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// quietScript is PID 1 of a fresh pid namespace with its own /proc: a root
// process nobody may not read, and nothing else that starts or ends while
// lsns walks /proc. (On a busy host lsns 2.38.1 gives up with exit 1 and no
// message when a process dies between its readdir and its reads; nstool
// skips such a process. The comparison is of -p, not of that race.) It
// runs "$@" as nobody and does not exec it, so that it stays PID 1.
const quietScript = `setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; exit $?`

// -p of a process that is not there, or whose namespaces may not be read
// (PID 1 as nobody): nothing on stdout and exit 0, as lsns -p; the
// lsns-exact view (-l) says nothing on stderr either, nstool's own view
// its one note on what it could not read.
func TestPIDNotThereOrUnreadable(t *testing.T) {
	for _, tool := range []string{"lsns", "setpriv"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	bin := nstooltest.BinaryForNobody(t)
	run := func(name string, args ...string) (string, string, int) {
		c := exec.Command(name, args...)
		if os.Geteuid() == 0 {
			c = exec.Command("unshare", append([]string{"--pid", "--fork", "--kill-child", "--mount", "--mount-proc",
				"--propagation", "private", "bash", "-c", quietScript, "bash", name}, args...)...)
			// If the test dies, the kernel kills unshare, and
			// --kill-child the namespace's init.
			c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		}
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
