package crossns

import (
	"errors"
	"fmt"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// An Event is a mount made at Path (a clean absolute path in the namespace
// Machine.Namespaces[Source]), or with Umount the unmount of the mount on
// top there.
type Event struct {
	Source int
	Path   string
	Umount bool
}

// Landing is one place where an event happens in one namespace.
type Landing struct {
	At  string // the path there
	How string // "the mount itself", "peer", "slave", "slave of a slave", "slave ×3"...
	// Parent is the ID of the mount the copy goes on (for an unmount: the
	// parent of the copy that goes), in that namespace's table.
	Parent int
}

// Verdict is what one namespace sees of an event.
type Verdict struct {
	NS       *Namespace
	Receives bool
	Landings []Landing
	// Why says, when the namespace receives nothing, why not; when it does,
	// Why may still name copies that do not receive (a second bind outside
	// the event's place).
	Why string
}

// Prediction is where an event goes.
type Prediction struct {
	Source *Namespace
	// Mount is, for a mount event, the mount it is made on (the one a
	// lookup of the path ends on); for an unmount, the mount that goes.
	Mount    *mountinfo.Mount
	Verdicts []Verdict // one per namespace, in Machine.Namespaces' order
}

// ErrNotMountPoint is an unmount asked at a path that is no mount point.
var ErrNotMountPoint = errors.New("not a mount point")

// Reach predicts, for every namespace, whether the event reaches it, where
// and how (sharedsubtree.rst, sections 2 and 5; fs/pnode.c propagate_mnt and
// propagate_umount):
//
//   - A mount event at a place on mount M goes to every mount that receives
//     from M: M's peers (the same shared:N, in any namespace), the slaves of
//     that group (master:N), and on through slaves that are shared
//     themselves, to any depth.
//   - A receiving mount R gets a copy only if the event's place lies inside
//     R's root (mountinfo field 4: a bind of a subdirectory sees only its
//     part), at R's mount point plus the place's path below that root.
//   - An unmount goes to the copies on the receiving mounts at the same
//     place, but not to a copy that has mounts of its own below it (it is
//     busy), unless that is one mount covering it whole. A copy that propagation made into a namespace of another user
//     namespace goes too (checked on Linux 6.18: it is not locked; the
//     mounts a namespace was created with are).
func (m *Machine) Reach(ev Event) (*Prediction, error) {
	if ev.Source < 0 || ev.Source >= len(m.Namespaces) {
		return nil, fmt.Errorf("no namespace %d", ev.Source)
	}
	src := m.Namespaces[ev.Source]
	on, ok := src.lookup(ev.Path)
	if !ok {
		return nil, errors.New("empty mount table")
	}
	var gone *mountinfo.Mount // the mount an unmount removes
	if ev.Umount {
		top := &src.Mounts[on]
		parent, ok := src.byID[top.Parent]
		if top.Target != ev.Path || !ok || top.Parent == top.ID {
			return nil, ErrNotMountPoint
		}
		gone, on = top, parent
	}
	origin := &src.Mounts[on]
	// The event's place, as a path inside origin's filesystem.
	rest, _ := below(ev.Path, origin.Target)
	place := join(origin.Root, rest)

	depth := m.groupDepths(origin)
	verdicts := make([]Verdict, len(m.Namespaces))
	pred := &Prediction{Source: src, Mount: origin, Verdicts: verdicts}
	if gone != nil {
		pred.Mount = gone
	}
	for i, ns := range m.Namespaces {
		v := &verdicts[i]
		v.NS = ns
		var refused []string
		for j := range ns.Mounts {
			r := &ns.Mounts[j]
			how, receives := receiver(r, origin, i == ev.Source && j == on, depth)
			if !receives {
				continue
			}
			rest, inside := below(place, r.Root)
			if !inside {
				refused = append(refused, fmt.Sprintf("%s receives from shared:%d but is a bind of %s, and %s is outside it",
					r.Target, origin.PeerGroup, r.Root, place))
				continue
			}
			at := join(r.Target, rest)
			if ev.Umount {
				why, goes := m.umountCopy(src, ns, r, at, gone)
				if !goes {
					refused = append(refused, why)
					continue
				}
			}
			v.Landings = append(v.Landings, Landing{At: at, How: how, Parent: r.ID})
		}
		v.Receives = len(v.Landings) > 0
		switch {
		case len(refused) > 0:
			v.Why = joinWhy(refused)
		case !v.Receives:
			v.Why = m.whyNot(ns, origin, place, ev.Source == i)
		}
	}
	return pred, nil
}

// groupDepths numbers the peer groups that receive from origin: origin's
// own group 0, the groups of its shared slaves 1, theirs 2... A private
// origin sends to no group.
func (m *Machine) groupDepths(origin *mountinfo.Mount) map[int]int {
	depth := map[int]int{}
	if origin.PeerGroup == 0 {
		return depth
	}
	depth[origin.PeerGroup] = 0
	for changed := true; changed; {
		changed = false
		for _, ns := range m.Namespaces {
			for _, r := range ns.Mounts {
				d, fromReceiver := depth[r.Master]
				if r.Master == 0 || !fromReceiver || r.PeerGroup == 0 {
					continue
				}
				if old, seen := depth[r.PeerGroup]; !seen || old > d+1 {
					depth[r.PeerGroup] = d + 1
					changed = true
				}
			}
		}
	}
	return depth
}

// receiver says whether r receives events on origin, and how.
func receiver(r, origin *mountinfo.Mount, isOrigin bool, depth map[int]int) (string, bool) {
	if isOrigin {
		return "the mount itself", true
	}
	if r.PeerGroup != 0 && r.PeerGroup == origin.PeerGroup {
		return "peer", true
	}
	if d, ok := depth[r.Master]; ok && r.Master != 0 {
		return slaveWord(d + 1), true
	}
	return "", false
}

func slaveWord(n int) string {
	switch n {
	case 1:
		return "slave"
	case 2:
		return "slave of a slave"
	}
	return fmt.Sprintf("slave ×%d", n)
}

// umountCopy says whether the unmount of gone (in src) takes the copy at
// at on receiving mount r of namespace ns with it.
func (m *Machine) umountCopy(src, ns *Namespace, r *mountinfo.Mount, at string, gone *mountinfo.Mount) (string, bool) {
	if r.ID == gone.Parent && ns == src {
		return "", true
	}
	ns.index() // only the namespaces that receive an unmount need their children
	copyIdx := -1
	for _, c := range ns.children[r.ID] {
		if ns.Mounts[c].Target == at {
			copyIdx = c
		}
	}
	if copyIdx < 0 {
		return fmt.Sprintf("%s receives, but nothing is mounted at %s there", r.Target, at), false
	}
	// A copy with mounts of its own is busy and stays, but for one mount
	// stacked on its root alone (a "topper": the copy was tucked under a
	// mount already there when it came): the copy goes and the topper
	// takes its place (fs/pnode.c, find_topper).
	switch kids := ns.children[ns.Mounts[copyIdx].ID]; {
	case len(kids) == 1 && ns.Mounts[kids[0]].Target == at:
	case len(kids) > 0:
		return fmt.Sprintf("the copy at %s has mounts below it: busy, it stays", at), false
	}
	return "", true
}

// whyNot explains a namespace that no receiving mount reaches.
func (m *Machine) whyNot(ns *Namespace, origin *mountinfo.Mount, place string, isSource bool) string {
	switch {
	case origin.PeerGroup == 0 && origin.Master != 0 && !isSource:
		return fmt.Sprintf("the mount at %s in the source namespace is a slave (master:%d), not shared: it receives, but sends nothing",
			origin.Target, origin.Master)
	case origin.PeerGroup == 0 && !isSource:
		return fmt.Sprintf("the mount at %s in the source namespace is private: nothing propagates from it", origin.Target)
	}
	var reasons []string
	for _, r := range ns.Mounts {
		if r.Major != origin.Major || r.Minor != origin.Minor {
			continue
		}
		if _, inside := below(place, r.Root); !inside {
			continue
		}
		switch {
		case r.PeerGroup == 0 && r.Master == 0:
			reasons = append(reasons, fmt.Sprintf("its copy at %s is private", r.Target))
		case r.Master != 0 && r.PeerGroup == 0:
			reasons = append(reasons, fmt.Sprintf("its copy at %s is a slave of shared:%d, which does not receive from shared:%d",
				r.Target, r.Master, origin.PeerGroup))
		default:
			reasons = append(reasons, fmt.Sprintf("its copy at %s is in shared:%d, which is not joined to shared:%d",
				r.Target, r.PeerGroup, origin.PeerGroup))
		}
	}
	if len(reasons) == 0 {
		return fmt.Sprintf("nothing there shows %s of that filesystem (%d:%d)", place, origin.Major, origin.Minor)
	}
	return joinWhy(reasons)
}

func joinWhy(reasons []string) string {
	s := reasons[0]
	for _, r := range reasons[1:] {
		s += "; " + r
	}
	return s
}
