package unshare

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
)

// What util-linux unshare does without a fork, nstool does in place too
// (the early start of the Makefile build): `nstool unshare ... sleep &`
// leaves $! the sleep itself, in the new namespaces, so that
// `nsenter -t $!` finds them. Beside util-linux, for each option.
func TestInPlaceAsUtilLinux(t *testing.T) {
	tools := nsexectest.EarlyTools(t, "unshare")
	for _, c := range []struct{ args, want string }{
		{"-m --map-user=0", "mnt user"},
		{"--map-user=0 --map-group=0", "user"},
		{"--map-group=0", "user"},
		{"--map-user=root --map-group=root -u", "user uts"},
		{"-U --setgroups=deny", "user"},
		{"-U --map-user=0 --setgroups=allow", "user"},
		{"-Ur --keep-caps", "user"},
		{"-T --monotonic=5", "time"},
		{"-T --boottime=-5 --monotonic 3", "time"},
		{"-Ur -m", "mnt user"},
		{"-m -R / -w /tmp", "mnt"},
		{"-Ur -S 0", "user"},
		{"--mount-proc=/tmp", "mnt"},
	} {
		for _, tool := range tools {
			nsexectest.InPlace(t, tool, strings.Fields(c.args), c.want)
		}
	}
}
