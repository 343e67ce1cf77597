package crossns

import (
	"strconv"
	"strings"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// Namespace is one mount namespace and its table, as one reader saw it.
type Namespace struct {
	Ino  uint64 // the inode of its nsfs file: lsns's and nstool ls's name for it
	PIDs []int  // the processes in it, ascending (none for one held only by a file)
	// Holders name what keeps a namespace without processes alive: an nsfs
	// bind mount ("/run/ns/a") or an open file ("pid 42 fd 5").
	Holders []string
	// Owner names who runs the namespace's processes, from their cgroups
	// (see Owner): "docker 4f1c6a0b9d2e", "systemd nginx.service"; "" when
	// nothing says.
	Owner string
	// UserNS is the inode of the user namespace that owns it (0: unknown).
	// Copies that propagation makes into a namespace owned by another user
	// namespace are locked (mount_namespaces(7), "Restrictions on mount
	// namespaces"): an unmount does not propagate to them.
	UserNS uint64
	Mounts []mountinfo.Mount

	byID     map[int]int   // mount ID → index in Mounts
	children map[int][]int // parent mount ID → indexes of its children
}

// Machine is every mount namespace, with the propagation links between
// their mounts.
type Machine struct {
	Namespaces []*Namespace
	// DeniedProcesses counts the processes whose namespaces the caller may
	// not see (another user's, without root): theirs are left out.
	DeniedProcesses int
}

// ref names one mount of one namespace.
type ref struct {
	ns    int // index in Machine.Namespaces
	mount int // index in that namespace's Mounts
}

func (m *Machine) mount(r ref) *mountinfo.Mount {
	return &m.Namespaces[r.ns].Mounts[r.mount]
}

// index builds a namespace's lookups once.
func (n *Namespace) index() {
	if n.byID != nil {
		return
	}
	n.byID = make(map[int]int, len(n.Mounts))
	n.children = make(map[int][]int, len(n.Mounts))
	for i, mt := range n.Mounts {
		n.byID[mt.ID] = i
	}
	for i, mt := range n.Mounts {
		if _, ok := n.byID[mt.Parent]; ok && mt.Parent != mt.ID {
			n.children[mt.Parent] = append(n.children[mt.Parent], i)
		}
	}
}

// root is the index of the namespace's root mount: the bottom of the stack
// at "/" (its parent is outside the table), then whatever is stacked on it.
func (n *Namespace) root() (int, bool) {
	n.index()
	for i, mt := range n.Mounts {
		if _, ok := n.byID[mt.Parent]; !ok || mt.Parent == mt.ID {
			return n.top(i), true
		}
	}
	return 0, false
}

// top follows a stack of mounts at one mount point up to the one on top:
// a mount made over another at the same place is its child there.
func (n *Namespace) top(i int) int {
	for {
		next := -1
		for _, c := range n.children[n.Mounts[i].ID] {
			if n.Mounts[c].Target == n.Mounts[i].Target {
				next = c
			}
		}
		if next < 0 {
			return i
		}
		i = next
	}
}

// Lookup is the mount a path lookup of p (clean, absolute) ends on in this
// namespace, as the kernel walks it: from the root mount, component by
// component, into the mount on top at each mount point. A mount whose mount
// point is hidden by a later mount above it is not reached.
func (n *Namespace) Lookup(p string) (*mountinfo.Mount, bool) {
	i, ok := n.lookup(p)
	if !ok {
		return nil, false
	}
	return &n.Mounts[i], true
}

func (n *Namespace) lookup(p string) (int, bool) {
	cur, ok := n.root()
	if !ok {
		return 0, false
	}
	for _, dir := range prefixes(p)[1:] {
		for _, c := range n.children[n.Mounts[cur].ID] {
			if n.Mounts[c].Target == dir {
				cur = n.top(c)
				break
			}
		}
	}
	return cur, true
}

// PIDText is the first processes of a namespace ("1,523,+4 more"), or what
// holds one that has none.
func PIDText(ns *Namespace) string {
	if len(ns.PIDs) == 0 {
		if len(ns.Holders) > 0 {
			return "held:" + ns.Holders[0]
		}
		return "-"
	}
	var parts []string
	for i, pid := range ns.PIDs {
		if i == 3 {
			parts = append(parts, "+"+strconv.Itoa(len(ns.PIDs)-3))
			break
		}
		parts = append(parts, strconv.Itoa(pid))
	}
	return strings.Join(parts, ",")
}
