package mountopt_test

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountinfo"
	. "github.com/nstool/nstool/nsutil/mountopt"
	"github.com/nstool/nstool/nsutil/mountsys"
	"github.com/nstool/nstool/nsutil/nstest"
)

// buildState makes a mount at dir/x in the given state, with real mounts:
// a shared mount gets a peer at dir/peer unless alone; a slave's master is
// a shared mount at dir/m.
func buildState(t *testing.T, dir string, s mountinfo.PropagationState, alone bool) string {
	t.Helper()
	x := filepath.Join(dir, "x")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"x", "peer", "m"} {
		must(os.Mkdir(filepath.Join(dir, d), 0o755))
	}
	switch s {
	case mountinfo.StateShared:
		must(mountsys.Mount("x", x, "tmpfs", 0, ""))
		must(mountsys.Mount("none", x, "", unix.MS_SHARED, ""))
		if !alone {
			must(mountsys.Mount(x, filepath.Join(dir, "peer"), "", unix.MS_BIND, ""))
		}
	case mountinfo.StateSlave, mountinfo.StateSharedSlave:
		m := filepath.Join(dir, "m")
		must(mountsys.Mount("m", m, "tmpfs", 0, ""))
		must(mountsys.Mount("none", m, "", unix.MS_SHARED, ""))
		must(mountsys.Mount(m, x, "", unix.MS_BIND, ""))
		must(mountsys.Mount("none", x, "", unix.MS_SLAVE, ""))
		if s == mountinfo.StateSharedSlave {
			must(mountsys.Mount("none", x, "", unix.MS_SHARED, ""))
			if !alone {
				must(mountsys.Mount(x, filepath.Join(dir, "peer"), "", unix.MS_BIND, ""))
			}
		}
	case mountinfo.StatePrivate:
		must(mountsys.Mount("x", x, "tmpfs", 0, ""))
	case mountinfo.StateUnbindable:
		must(mountsys.Mount("x", x, "tmpfs", 0, ""))
		must(mountsys.Mount("none", x, "", unix.MS_UNBINDABLE, ""))
	}
	return x
}

func propagationAt(t *testing.T, target string) mountinfo.Propagation {
	t.Helper()
	mounts, err := mountinfo.Read(0)
	if err != nil {
		t.Fatal(err)
	}
	m := mounts.Top(target)
	if m == nil {
		t.Fatalf("%s is not a mount point", target)
	}
	return m.Propagation
}

// Every row of sharedsubtree.rst's state-transition table, demonstrated
// on the running kernel: build the state, apply the change, read the
// resulting state back from mountinfo.
func TestStateTransitionsOnKernel(t *testing.T) {
	ops := map[string]uintptr{"make-shared": unix.MS_SHARED, "make-slave": unix.MS_SLAVE,
		"make-private": unix.MS_PRIVATE, "make-unbindable": unix.MS_UNBINDABLE}
	if len(Transitions) != len(mountinfo.States)*len(ops) {
		t.Fatalf("the table has %d cells, want %d", len(Transitions), len(mountinfo.States)*len(ops))
	}
	for _, tr := range Transitions {
		for _, alone := range []bool{false, true} {
			name := tr.From.String() + "/" + tr.Op
			if alone {
				name += "/alone"
			}
			t.Run(name, func(t *testing.T) {
				x := buildState(t, nstest.Tmpfs(t), tr.From, alone)
				if got := propagationAt(t, x).State(); got != tr.From {
					t.Fatalf("built %s, kernel says %s", tr.From, got)
				}
				if err := mountsys.Mount("none", x, "", ops[tr.Op], ""); err != nil {
					t.Fatal(err)
				}
				got := propagationAt(t, x).State()
				if !tr.Allows(got) {
					t.Errorf("%s + %s: kernel gave %s, table says %s", tr.From, tr.Op, got, tr.To)
				}
				// The footnote of "slave/private": alone → private, with a
				// peer → slave of the group it left.
				if tr.From == mountinfo.StateShared && tr.Op == "make-slave" {
					want := mountinfo.StateSlave
					if alone {
						want = mountinfo.StatePrivate
					}
					if got != want {
						t.Errorf("shared (alone=%v) + make-slave: got %s, want %s", alone, got, want)
					}
				}
			})
		}
	}
}

func TestTransitionFor(t *testing.T) {
	tr, ok := TransitionFor(mountinfo.StatePrivate, unix.MS_REC|unix.MS_SLAVE)
	if !ok || tr.To != "private" || tr.Op != "make-slave" {
		t.Errorf("private + rslave: %+v %v", tr, ok)
	}
	if (mountinfo.Propagation{PeerGroup: 3, Master: 1}).State() != mountinfo.StateSharedSlave {
		t.Error("shared:3 master:1 is shared and slave")
	}
	if got := (mountinfo.Propagation{PeerGroup: 3, Master: 1}).Detail(); got != "shared:3 master:1" {
		t.Errorf("Detail: %q", got)
	}
}
