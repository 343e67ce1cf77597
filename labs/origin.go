package labs

import (
	"errors"
	"fmt"

	"github.com/nstool/nstool/nsutil/mountid"
)

// The "came from" check: who made a mount. A check on the end state alone
// passes when the learner mounts on the wrong side of a pair of peers (the
// copy then looks just like the original), so a step about direction asks
//
//	other /lab/shared/from-host came from host
//
// "the mount at that path in the learner's namespace is the copy that
// propagation made of the host's". The kernel's 64-bit mount IDs (statx(2)
// STATX_MNT_ID_UNIQUE, Linux 6.8+) are never reused and, of a mount and its
// copies, the mount a process made has the smallest (nsutil/mountid's
// test). Where the kernel has no such IDs the check falls back to what the
// state shows: the two are peers, or the first receives from the second.

// mountIDOf is mountid.Of unless a test replaces it.
func (w *World) mountIDOf(path string) (uint64, int, error) {
	if w.MountID != nil {
		return w.MountID(path)
	}
	return mountid.Of(path)
}

// evalFrom checks that the mount at c.Path in pid's namespace came, by
// propagation, from the one at c.Path2 in pid2's.
func (w *World) evalFrom(c Check, pid, pid2 int) (bool, string) {
	where, whence := name(c.Who, c.Path), name(c.Who2, c.Path2)
	m, err := w.at(pid, c.Path)
	if err != nil || m == nil {
		return false, fmt.Sprintf("%s is not a mount point", where)
	}
	m2, err := w.at(pid2, c.Path2)
	if err != nil || m2 == nil {
		return false, fmt.Sprintf("%s is not a mount point", whence)
	}
	if m.Major != m2.Major || m.Minor != m2.Minor {
		return false, fmt.Sprintf("%s and %s are two filesystems (%d:%d, %d:%d): the first is no copy of the second, each was mounted on its own", where, whence, m.Major, m.Minor, m2.Major, m2.Minor)
	}
	id, old, err := w.mountIDOf(fmt.Sprintf("/proc/%d/root%s", pid, c.Path))
	id2, old2, err2 := w.mountIDOf(fmt.Sprintf("/proc/%d/root%s", pid2, c.Path2))
	if errors.Is(err, mountid.ErrUnsupported) || errors.Is(err2, mountid.ErrUnsupported) {
		// No 64-bit IDs: who made it cannot be told; what can be seen is
		// that one propagates to the other.
		if m2.Shared() && (m.PeerGroup == m2.PeerGroup || m.Master == m2.PeerGroup) {
			return true, ""
		}
		return false, fmt.Sprintf("%s is %s; it receives nothing from %s", where, describe(m), whence)
	}
	switch {
	case err != nil:
		return false, err.Error()
	case err2 != nil:
		return false, err2.Error()
	case old != m.ID || old2 != m2.ID:
		return false, "the mounts changed while they were read: check again"
	case id < id2:
		return false, fmt.Sprintf("%s is the original, mounted in %s, and %s is the copy propagation made of it (their 64-bit mount IDs, statmount(2): %d before %d; a mount made comes before its copies)", where, whose(c.Who), whence, id, id2)
	}
	return true, ""
}

// name is how a check's message names a mount of an actor.
func name(who, path string) string {
	if who == "other" {
		return path + " in your namespace"
	}
	return who + " " + path
}

// whose names an actor's namespace in a sentence.
func whose(who string) string {
	if who == "other" {
		return "your namespace"
	}
	return who + "'s namespace"
}
