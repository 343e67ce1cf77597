package mountinfo

import (
	"sort"
	"strings"
)

// Table is a mount table in the kernel's order: a mount comes after its
// parent, and of several mounts on one mount point the last is on top
// (it covers the others).
type Table []Mount

// Top is the mount on top at target (the last one listed there), or nil.
// target is compared as written: clean it first.
func (t Table) Top(target string) *Mount {
	for i := len(t) - 1; i >= 0; i-- {
		if t[i].Target == target {
			return &t[i]
		}
	}
	return nil
}

// ByID is the mount with the ID, or nil.
func (t Table) ByID(id int) *Mount {
	for i := range t {
		if t[i].ID == id {
			return &t[i]
		}
	}
	return nil
}

// Containing is the mount that path lies in: the one whose mount point is
// the longest prefix of it, the top one when several are stacked there.
func (t Table) Containing(path string) *Mount {
	var found *Mount
	best := -1
	for i := range t {
		m := t[i].Target
		if m == path || m == "/" || strings.HasPrefix(path, m+"/") {
			if len(m) >= best {
				best, found = len(m), &t[i]
			}
		}
	}
	return found
}

// Under is the mounts at path or below it, in table order.
func (t Table) Under(path string) Table {
	var out Table
	dir := strings.TrimSuffix(path, "/") + "/"
	for _, m := range t {
		if m.Target == path || strings.HasPrefix(m.Target, dir) {
			out = append(out, m)
		}
	}
	return out
}

// Children is each mount's children by parent ID, in ID order (the order
// they were mounted). The root of the tree can be its own parent; it is
// nobody's child.
func (t Table) Children() map[int]Table {
	kids := map[int]Table{}
	for _, m := range t {
		if m.ID != m.Parent {
			kids[m.Parent] = append(kids[m.Parent], m)
		}
	}
	for _, c := range kids {
		sort.SliceStable(c, func(i, j int) bool { return c[i].ID < c[j].ID })
	}
	return kids
}

// Subtree is the set of IDs of the mounts below mount id (not id itself).
func (t Table) Subtree(id int) map[int]bool {
	kids := t.Children()
	out := map[int]bool{}
	var walk func(int)
	walk = func(p int) {
		for _, c := range kids[p] {
			if !out[c.ID] {
				out[c.ID] = true
				walk(c.ID)
			}
		}
	}
	walk(id)
	return out
}
