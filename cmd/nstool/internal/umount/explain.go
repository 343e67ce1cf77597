package umount

import (
	"fmt"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// unmountRule is sharedsubtree.rst 5f for the mount m.
func unmountRule(mounts []mountinfo.Mount, m *mountinfo.Mount) string {
	for _, p := range mounts {
		if p.ID == m.Parent && p.Shared() {
			return fmt.Sprintf("the parent %s is shared (%s): on every mount that receives propagation from it, the most recent mount at the same place goes too, unless it has submounts (sharedsubtree.rst 5f)", p.Target, p.Propagation.Detail())
		}
	}
	return "the parent mount is not shared: only this mount goes (sharedsubtree.rst 5f)"
}

// lostMaster reports whether a mount that stayed changed master (or lost
// it): the kernel re-parents the slaves of a peer group that disappears.
func lostMaster(before, after []mountinfo.Mount) bool {
	old := map[int]mountinfo.Mount{}
	for _, m := range before {
		old[m.ID] = m
	}
	for _, m := range after {
		if b, ok := old[m.ID]; ok && b.Master != 0 && b.Master != m.Master {
			return true
		}
	}
	return false
}
