package mountinfo

import (
	"fmt"
	"sort"
	"strings"
)

// Canonical renders the mounts at or under prefix as "TARGET FSTYPE
// propagation" lines, sorted by target, with peer-group numbers renamed in
// order of first appearance (g1, g2, ...). Two mount tables made by
// different tools (nstool and util-linux) or in different namespaces
// compare equal exactly when they have the same mounts with the same
// propagation structure, whatever numbers the kernel handed out (they are
// machine-wide and never the same twice).
func (t Table) Canonical(prefix string) string {
	sel := t.Under(prefix)
	// By target; mounts stacked at one target bottom first (the depth of
	// each in its stack: its parent mount is the one under it), then by
	// mount ID. Not by ID alone: the kernel gives a new mount the lowest
	// free ID, so a mount made on top of another gets a lower ID than it
	// whenever one was freed meanwhile (another namespace's unmount).
	byID := make(map[int]Mount, len(sel))
	for _, m := range sel {
		byID[m.ID] = m
	}
	depth := make(map[int]int, len(sel))
	for _, m := range sel {
		d := 0
		for p, ok := byID[m.Parent]; ok && p.Target == m.Target && d < len(sel); p, ok = byID[p.Parent] {
			d++
		}
		depth[m.ID] = d
	}
	sort.SliceStable(sel, func(i, j int) bool {
		if sel[i].Target != sel[j].Target {
			return sel[i].Target < sel[j].Target
		}
		if depth[sel[i].ID] != depth[sel[j].ID] {
			return depth[sel[i].ID] < depth[sel[j].ID]
		}
		return sel[i].ID < sel[j].ID
	})
	names := map[int]string{}
	name := func(group int) string {
		if _, ok := names[group]; !ok {
			names[group] = fmt.Sprintf("g%d", len(names)+1)
		}
		return names[group]
	}
	var b strings.Builder
	for _, m := range sel {
		fmt.Fprintf(&b, "%s %s", strings.TrimPrefix(m.Target, prefix), m.FSType)
		if m.PeerGroup != 0 {
			fmt.Fprintf(&b, " shared:%s", name(m.PeerGroup))
		}
		if m.Master != 0 {
			fmt.Fprintf(&b, " master:%s", name(m.Master))
		}
		if m.Unbindable {
			b.WriteString(" unbindable")
		}
		if m.PeerGroup == 0 && m.Master == 0 && !m.Unbindable {
			b.WriteString(" private")
		}
		b.WriteByte('\n')
	}
	return b.String()
}
