package nsenter

import (
	"strconv"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
)

// What util-linux nsenter does without a fork, nstool does in place too
// (the early start of the Makefile build): `nstool nsenter ... sleep &`
// leaves $! the sleep itself, in the target's namespaces. Beside
// util-linux, for each option.
func TestInPlaceAsUtilLinux(t *testing.T) {
	tools := nsexectest.EarlyTools(t, "nsenter")
	target := nsexectest.Target(t, nil, "--user", "--map-root-user", "--mount", "--uts")
	pid := strconv.Itoa(target)
	for _, c := range []struct{ args, want string }{
		{"-t PID -m -S 0", "mnt"},
		{"-t PID -m -G 0", "mnt"},
		{"-t PID -m -S 0 -G 0 -u", "mnt uts"},
		{"-t PID -m -w", "mnt"},
		{"-t PID -m -W /tmp", "mnt"},
		{"-t PID -m -r", "mnt"},
		{"-t PID -m -r -w", "mnt"},
		{"-t PID -m --root=/ --wd=/tmp", "mnt"},
		{"--mount=/proc/PID/ns/mnt", "mnt"},
		{"--mount=/proc/PID/ns/mnt -t PID -u", "mnt uts"},
		{"-t PID -U -m -S 0 -G 0", "mnt user"},
		{"-t PID -U -m -u -W /", "mnt user uts"},
		{"-t PID -a -F -W /", "mnt user uts"},
	} {
		args := strings.Fields(strings.ReplaceAll(c.args, "PID", pid))
		for _, tool := range tools {
			sleeper := nsexectest.InPlace(t, tool, args, c.want)
			if got := nsexectest.NsDiffer(sleeper, target); strings.Contains(" "+strings.Join(got, " ")+" ", " mnt ") {
				t.Errorf("%s nsenter %s: the sleep is not in the target's mount namespace", tool.Name, c.args)
			}
		}
	}
}
