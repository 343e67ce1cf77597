package crossns

import (
	"fmt"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// Chain is the answer to "why does (or doesn't) a mount at PATH in one
// namespace reach another": the links from the source mount to the
// receiving copy, or the first one missing.
type Chain struct {
	Source   *mountinfo.Mount // the mount a lookup of PATH ends on, in the source namespace
	Links    []string         // link by link, from the source to the copy
	Receives bool
	At       []string // where it lands in the target namespace
	Break    string   // why not, when it does not
	Rule     string   // the rule that decides it (sharedsubtree.rst)
	Fix      string   // what would change it
}

// Why explains the path from the mount at path in namespace src to
// namespace dst.
func (m *Machine) Why(src int, path string, dst int) (*Chain, error) {
	pred, err := m.Reach(Event{Source: src, Path: path})
	if err != nil {
		return nil, err
	}
	origin := pred.Mount
	c := &Chain{Source: origin}
	v := pred.Verdicts[dst]
	groupOf := m.groupDepths(origin)
	c.Links = append(c.Links, fmt.Sprintf("%s in the source namespace is %s", origin.Target, describe(origin)))
	if v.Receives {
		c.Receives = true
		for _, l := range v.Landings {
			c.At = append(c.At, l.At)
		}
		r := m.receiverIn(dst, v.Landings[0].Parent)
		c.Links = append(c.Links, m.links(origin, r, groupOf)...)
		c.Rule = "an event on a mount reaches its peers and, through master links, their slaves, to any depth (sharedsubtree.rst, 2a-2b and 5)"
		return c, nil
	}
	c.Break = v.Why
	switch {
	case origin.PeerGroup == 0 && origin.Master != 0:
		c.Rule = "a slave receives from its master but sends nothing back (sharedsubtree.rst 2b)"
		c.Fix = fmt.Sprintf("nstool mount --make-shared %s   # shared and slave: it then also sends to mounts copied from it afterwards", origin.Target)
	case origin.PeerGroup == 0:
		c.Rule = "a private mount neither sends nor receives (sharedsubtree.rst 2c)"
		c.Fix = fmt.Sprintf("nstool mount --make-shared %s   # only copies made afterwards (new namespaces, new binds) become its peers or slaves", origin.Target)
	default:
		c.Rule = "a copy receives only if it is a peer or a slave of the group, and only events inside its root (sharedsubtree.rst 5)"
		c.Fix = "remake that namespace's copy from a shared or slave one: umount it there and bind it again after the source is shared " +
			"(a container runtime: a volume with :rslave or :rshared; Kubernetes: mountPropagation HostToContainer or Bidirectional)"
	}
	return c, nil
}

// receiverIn is the mount with ID id in namespace ns.
func (m *Machine) receiverIn(ns, id int) *mountinfo.Mount {
	n := m.Namespaces[ns]
	n.index()
	return &n.Mounts[n.byID[id]]
}

// links are the steps from origin's peer group to the receiving mount r:
// through a chain of slave groups, each a slave of the one before.
func (m *Machine) links(origin, r *mountinfo.Mount, depth map[int]int) []string {
	g0 := origin.PeerGroup
	switch {
	case r == origin:
		return []string{"the copy there is the mount itself"}
	case r.PeerGroup == g0:
		return []string{fmt.Sprintf("%s there is its peer (shared:%d)", r.Target, g0)}
	}
	var chain []int // slave groups, from r's master back towards g0
	for g := r.Master; g != g0 && len(chain) < len(depth); {
		_, member := m.memberOf(g)
		if member == nil {
			break
		}
		chain = append(chain, g)
		g = member.Master
	}
	var out []string
	master := g0
	for i := len(chain) - 1; i >= 0; i-- {
		ns, member := m.memberOf(chain[i])
		out = append(out, fmt.Sprintf("shared:%d is a slave of shared:%d (%s in mnt:[%d] is in it)", chain[i], master, member.Target, ns.Ino))
		master = chain[i]
	}
	return append(out, fmt.Sprintf("%s there is a slave of shared:%d", r.Target, r.Master))
}

// memberOf is a mount of peer group g, and its namespace.
func (m *Machine) memberOf(g int) (*Namespace, *mountinfo.Mount) {
	for _, ns := range m.Namespaces {
		for i := range ns.Mounts {
			if ns.Mounts[i].PeerGroup == g {
				return ns, &ns.Mounts[i]
			}
		}
	}
	return nil, nil
}

func describe(mt *mountinfo.Mount) string {
	p := mt.Propagation
	switch {
	case p.PeerGroup != 0 && p.Master != 0:
		return fmt.Sprintf("shared (shared:%d) and a slave of shared:%d", p.PeerGroup, p.Master)
	case p.PeerGroup != 0:
		return fmt.Sprintf("shared (shared:%d)", p.PeerGroup)
	case p.Master != 0:
		return fmt.Sprintf("a slave of shared:%d", p.Master)
	case p.Unbindable:
		return "unbindable (private)"
	}
	return "private"
}
