package findmnt

// This file compares two readings of a mount table as libmount's
// mnt_diff_tables does (findmnt --poll prints what it finds): an entry is
// the same mount in both when its source and target are; it is a remount
// when its options changed; a mount that disappeared while one with the
// same mount ID and source appeared was moved.

// tabAction is a kind of change between two readings of a table, as
// libmount's MNT_TABDIFF_* names them.
type tabAction int

const (
	actMount tabAction = iota + 1
	actUmount
	actRemount
	actMove
)

// String is the ACTION column's text.
func (a tabAction) String() string {
	switch a {
	case actMount:
		return "mount"
	case actUmount:
		return "umount"
	case actRemount:
		return "remount"
	case actMove:
		return "move"
	}
	return "unknown"
}

// tabChange is one change: old is nil for a mount, new nil for an umount.
type tabChange struct {
	action   tabAction
	old, new *fsEntry
}

// diffTables lists the changes from old to new in libmount's order: the
// mounts and remounts in new's order, then the umounts in old's order (a
// move takes the place of its mount).
func diffTables(old, new *mountTable) []tabChange {
	var changes []tabChange
	switch {
	case len(old.entries) == 0:
		for _, e := range new.entries {
			changes = append(changes, tabChange{action: actMount, new: e})
		}
		return changes
	case len(new.entries) == 0:
		for _, e := range old.entries {
			changes = append(changes, tabChange{action: actUmount, old: e})
		}
		return changes
	}
	for _, e := range new.entries {
		o := findPair(old, e.Source, e.Target)
		switch {
		case o == nil:
			changes = append(changes, tabChange{action: actMount, new: e})
		case optionsChanged(o.VFSOptions, e.VFSOptions) || optionsChanged(o.FSOptions, e.FSOptions):
			changes = append(changes, tabChange{action: actRemount, old: o, new: e})
		}
	}
	for _, e := range old.entries {
		if findPair(new, e.Source, e.Target) != nil {
			continue
		}
		if i := mountWithID(changes, e.Source, e.ID); i >= 0 {
			// the same mount (ID) of the same source, at another place
			changes[i].action, changes[i].old = actMove, e
			continue
		}
		changes = append(changes, tabChange{action: actUmount, old: e})
	}
	return changes
}

// optionsChanged: libmount compares option strings only when both
// entries have them.
func optionsChanged(a, b string) bool {
	return a != "" && b != "" && a != b
}

// findPair is libmount's mnt_table_find_pair without a cache (findmnt
// --poll drops it): the first entry with this target and source, both
// compared as written (paths as paths). An empty source or target is
// found nowhere, so such a mount looks unmounted and mounted anew at
// every change.
func findPair(t *mountTable, source, target string) *fsEntry {
	if source == "" || target == "" {
		return nil
	}
	for _, e := range t.entries {
		if e.Target != "" && streqPaths(e.Target, target) && samePairSource(e, source) {
			return e
		}
	}
	return nil
}

// samePairSource is mnt_fs_match_source without a cache: the source path
// (a string for pseudo filesystems), or the tag as written.
func samePairSource(e *fsEntry, source string) bool {
	if streqSrcpath(e, source) {
		return true
	}
	return e.tagged && e.Source == source
}

// mountWithID is the index of the first mount change whose new entry
// has this mount ID and source (libmount's tabdiff_get_mount), or -1.
func mountWithID(changes []tabChange, source string, id int) int {
	for i, c := range changes {
		if c.action == actMount && c.new.ID == id && c.new.Source == source {
			return i
		}
	}
	return -1
}
