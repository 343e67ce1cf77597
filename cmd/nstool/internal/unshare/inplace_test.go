package unshare_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// TestInPlace: `nstool unshare -m sleep 100 &` makes $! the sleep itself,
// in the new namespaces, as util-linux's unshare does: the program is
// executed in nstool's place wherever the kernel allows it. In the early
// start (a binary linked with -E) that is every shape without --fork; in
// the ordinary start (a plain `go build`, or NSTOOL_EARLY=off) every shape
// without a user namespace, because unshare(CLONE_NEWUSER) needs a
// single-threaded process (unshare(2)) and Go's never is: there nstool
// forks a single-threaded child that becomes the program, and $! is nstool.
// With --fork the program is a child in both, as in util-linux.
func TestInPlace(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	all := []string{"mnt", "uts", "ipc", "net", "cgroup", "user", "pid"}
	mine := nsexectest.NsLinks(t, 0, all...)
	both := nsexectest.Shape{EarlyInPlace: true, OrdinaryInPlace: true}
	for _, c := range []struct {
		args  []string
		new   []string // namespaces the program must not share with us
		shape nsexectest.Shape
	}{
		{[]string{"-m"}, []string{"mnt"}, both},
		{[]string{"-m", "--propagation=shared"}, []string{"mnt"}, both},
		{[]string{"-u", "-i", "-n", "-C"}, []string{"uts", "ipc", "net", "cgroup"}, both},
		{[]string{"-m", "-R", "/", "-w", "/tmp"}, []string{"mnt"}, both},
		// The program stays outside (/proc/PID/ns/pid_for_children shows
		// the new one only once a child is in it: pid_namespaces(7)).
		{[]string{"-p"}, nil, both},
		{[]string{"-U", "-r", "-m"}, []string{"user", "mnt"}, nsexectest.Shape{EarlyInPlace: true}},
		{[]string{"-f", "-p", "--mount-proc"}, []string{"mnt", "pid"}, nsexectest.Shape{}},
	} {
		for _, env := range nsexectest.Starts {
			t.Run(strings.TrimSpace(env+" unshare "+strings.Join(c.args, " ")), func(t *testing.T) {
				prog := nsexectest.StartInBackground(t, bin, env, c.shape, "unshare", c.args...)
				for ns, link := range nsexectest.NsLinks(t, prog, all...) {
					if isNew := slices.Contains(c.new, ns); isNew != (link != mine[ns]) {
						t.Errorf("the program's %s namespace is %s, ours %s: want new %v", ns, link, mine[ns], isNew)
					}
				}
			})
		}
	}
}
