package mountinfo

import (
	"sort"
	"strings"
)

// Table is a mount table in the kernel's order: by mount ID since Linux
// 6.8, in the order of mounting before. Mounts stacked on one mount point
// form a chain, each one's parent the mount it covers; the last one
// listed there is not always the top one (see Top).
type Table []Mount

// Top is the mount on top at target, the one a path lookup of target ends
// in, or nil. It is usually the last one listed there, but not when
// propagation brought a mount to a place where one was already mounted:
// the kernel then puts the newcomer under the mount that was there, which
// is moved onto it (since Linux 4.11, "tucked"; propagate_mnt and
// attach_recursive_mnt). The newcomer is listed later and lies beneath. So
// Top climbs from the last one listed to the mount that no other mount at
// target sits on. target is compared as written: clean it first.
func (t Table) Top(target string) *Mount {
	var top *Mount
	for i := len(t) - 1; i >= 0 && top == nil; i-- {
		if t[i].Target == target {
			top = &t[i]
		}
	}
	// At most one step per mount: a hand-made table may loop.
	for steps := 0; top != nil && steps < len(t); steps++ {
		above := t.sittingOn(top)
		if above == nil {
			break
		}
		top = above
	}
	return top
}

// sittingOn is the mount mounted at m's own mount point on top of m, or nil.
func (t Table) sittingOn(m *Mount) *Mount {
	for i := range t {
		if t[i].Parent == m.ID && t[i].Target == m.Target && &t[i] != m {
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
	if found == nil {
		return nil
	}
	return t.Top(found.Target)
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
