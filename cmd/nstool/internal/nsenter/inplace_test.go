package nsenter_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// TestInPlace: `nstool nsenter -t PID -m sleep 100 &` makes $! the sleep
// itself, in the target's namespaces, as util-linux's nsenter does. The
// ordinary start (a plain `go build`, or NSTOOL_EARLY=off) enters the
// mount, UTS, IPC, network and cgroup namespaces on its own thread and
// executes the program from there; it forks a single-threaded child for a
// user or time namespace, which setns(2) refuses to a multithreaded process
// (Go's always is), where the early start needs no fork. Entering a pid
// namespace without -F forks the program once in every start, as
// util-linux does: setns(2) moves only the children.
func TestInPlace(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	target := nsexectest.Target(t, nil, "--mount", "--uts", "--ipc", "--net", "--cgroup", "--pid")
	rootless := nsexectest.Target(t, nsexectest.Nobody, "--user", "--map-root-user", "--mount")
	all := []string{"mnt", "uts", "ipc", "net", "cgroup", "user", "pid"}
	mine := nsexectest.NsLinks(t, 0, all...)
	both := nsexectest.Shape{EarlyInPlace: true, OrdinaryInPlace: true}
	for _, c := range []struct {
		target  int
		args    []string
		entered []string // namespaces the program must share with the target
		shape   nsexectest.Shape
	}{
		{target, []string{"-m"}, []string{"mnt"}, both},
		{target, []string{"-m", "-u", "-i", "-n", "-C"}, []string{"mnt", "uts", "ipc", "net", "cgroup"}, both},
		{target, []string{"-m", "-r", "-w"}, []string{"mnt"}, both},
		{target, []string{"-m", "-S", "0", "-G", "0"}, []string{"mnt"}, both},
		{target, []string{"-p", "-F"}, nil, both}, // the program stays outside the pid namespace
		{target, []string{"-m", "-p"}, []string{"mnt", "pid"}, nsexectest.Shape{}},
		{target, []string{"-m", "-u", "-i", "-n", "-C", "-p", "-r", "-w"}, []string{"mnt", "uts", "ipc", "net", "cgroup", "pid"}, nsexectest.Shape{}},
		{rootless, []string{"-U", "-m", "--preserve-credentials"}, []string{"user", "mnt"}, nsexectest.Shape{EarlyInPlace: true}},
	} {
		for _, env := range nsexectest.Starts {
			t.Run(strings.TrimSpace(env+" nsenter -t PID "+strings.Join(c.args, " ")), func(t *testing.T) {
				args := append([]string{"-t", strconv.Itoa(c.target)}, c.args...)
				prog := nsexectest.StartInBackground(t, bin, env, c.shape, "nsenter", args...)
				theirs, targets := nsexectest.NsLinks(t, prog, all...), nsexectest.NsLinks(t, c.target, all...)
				for _, ns := range all {
					want := mine[ns]
					if slices.Contains(c.entered, ns) {
						want = targets[ns]
					}
					if theirs[ns] != want {
						t.Errorf("the program's %s namespace is %s, want %s", ns, theirs[ns], want)
					}
				}
			})
		}
	}
}
