package mountcmd

import (
	"strings"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// TopMountAt is the mount on top of the stack at target (the last listed:
// mountinfo lists a mount after the one it covers), or nil.
func TopMountAt(mounts []mountinfo.Mount, target string) *mountinfo.Mount {
	var found *mountinfo.Mount
	for i := range mounts {
		if mounts[i].Target == target {
			found = &mounts[i]
		}
	}
	return found
}

// MountContaining is the mount a path lies in: the one whose target is the
// longest prefix of it (the topmost when stacked).
func MountContaining(mounts []mountinfo.Mount, path string) *mountinfo.Mount {
	var found *mountinfo.Mount
	best := -1
	for i := range mounts {
		t := mounts[i].Target
		if t == path || t == "/" || strings.HasPrefix(path, t+"/") {
			if len(t) >= best {
				best = len(t)
				found = &mounts[i]
			}
		}
	}
	return found
}

// Children lists each mount's children by parent ID, in table order. The
// root of a namespace (its own parent in mountinfo) is nobody's child.
func Children(mounts []mountinfo.Mount) map[int][]mountinfo.Mount {
	children := map[int][]mountinfo.Mount{}
	for _, m := range mounts {
		if m.ID != m.Parent {
			children[m.Parent] = append(children[m.Parent], m)
		}
	}
	return children
}

// Subtree is the set of IDs of the mounts under mount id (not id itself).
func Subtree(mounts []mountinfo.Mount, id int) map[int]bool {
	children := Children(mounts)
	out := map[int]bool{}
	var walk func(int)
	walk = func(p int) {
		for _, c := range children[p] {
			if !out[c.ID] {
				out[c.ID] = true
				walk(c.ID)
			}
		}
	}
	walk(id)
	return out
}
