package crossns

import (
	"sort"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// Graph is the propagation picture of a set of mounts: the namespaces as
// clusters of their mounts, the peer groups, who is in which group, and
// which groups each slave receives from.
type Graph struct {
	Namespaces []GraphNamespace
	Groups     []int       // peer group numbers, ascending
	Members    []GraphEdge // mount → the peer group it is in (shared:N)
	Masters    []GraphEdge // peer group → a mount that is its slave (master:N)
}

// GraphNamespace is one cluster.
type GraphNamespace struct {
	NS     *Namespace
	Mounts []*mountinfo.Mount
}

// GraphEdge joins a mount (by namespace inode and mount ID) and a group.
type GraphEdge struct {
	NS    uint64
	Mount int
	Group int
}

// Graph draws the mounts that keep is true of, in every namespace, with
// their propagation links.
func (m *Machine) Graph(keep func(*mountinfo.Mount) bool) Graph {
	var g Graph
	groups := map[int]bool{}
	for _, ns := range m.Namespaces {
		cluster := GraphNamespace{NS: ns}
		for i := range ns.Mounts {
			mt := &ns.Mounts[i]
			if !keep(mt) {
				continue
			}
			cluster.Mounts = append(cluster.Mounts, mt)
			if mt.PeerGroup != 0 {
				g.Members = append(g.Members, GraphEdge{NS: ns.Ino, Mount: mt.ID, Group: mt.PeerGroup})
				groups[mt.PeerGroup] = true
			}
			if mt.Master != 0 {
				g.Masters = append(g.Masters, GraphEdge{NS: ns.Ino, Mount: mt.ID, Group: mt.Master})
				groups[mt.Master] = true
			}
		}
		if len(cluster.Mounts) > 0 {
			g.Namespaces = append(g.Namespaces, cluster)
		}
	}
	for n := range groups {
		g.Groups = append(g.Groups, n)
	}
	sort.Ints(g.Groups)
	return g
}

// Under keeps the mounts at dir or below it, and, when linked is set, only
// those that take part in propagation (in a peer group or a slave).
func Under(dir string, linked bool) func(*mountinfo.Mount) bool {
	return func(mt *mountinfo.Mount) bool {
		if _, ok := below(mt.Target, dir); !ok {
			return false
		}
		return !linked || mt.PeerGroup != 0 || mt.Master != 0
	}
}
