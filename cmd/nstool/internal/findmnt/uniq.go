package findmnt

import "path"

// uniq is --uniq (libmount's mnt_table_uniq_fs with MNT_UNIQ_KEEPTREE):
// of several mounts on one mount point only the last, the visible one,
// stays; the children of a dropped mount move to its parent so that the
// tree stays whole. Mount points are the same as findmnt compares them
// (mnt_fs_match_target of a later entry with an earlier one's target):
// the same path, or the later target the same as the earlier one made
// canonical (canon), or, for an fstab entry, both made canonical.
func (t *mountTable) uniq(canon func(string) string) {
	keepTree := t.isMountinfo()
	kids := map[int][]*fsEntry{}
	if keepTree {
		for _, e := range t.entries {
			kids[e.Parent] = append(kids[e.Parent], e)
		}
	}
	// what the kept later entries offer: their targets, and the canonical
	// ones of those not from the kernel
	targets, canonical := map[string]bool{}, map[string]bool{}
	drop := make([]bool, len(t.entries))
	for i := len(t.entries) - 1; i >= 0; i-- {
		e := t.entries[i]
		key := path.Clean("/" + e.Target)
		cn := canon(e.Target)
		if !targets[key] && !targets[path.Clean("/"+cn)] && !canonical[cn] {
			targets[key] = true
			if !e.Kernel {
				canonical[cn] = true
			}
			continue
		}
		drop[i] = true
		if keepTree && e.ID != e.Parent {
			for _, c := range kids[e.ID] {
				c.Parent = e.Parent
			}
			kids[e.Parent] = append(kids[e.Parent], kids[e.ID]...)
			delete(kids, e.ID)
		}
	}
	out := t.entries[:0]
	for i, e := range t.entries {
		if !drop[i] {
			e.index = len(out)
			out = append(out, e)
		}
	}
	t.entries = out
}
