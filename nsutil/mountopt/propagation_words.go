package mountopt

import "golang.org/x/sys/unix"

// PropagationPrivate is unshare(1)'s default --propagation: MS_REC|MS_PRIVATE.
const PropagationPrivate = unix.MS_REC | unix.MS_PRIVATE

// PropagationFlags is the mount(2) flags of unshare's --propagation word
// (0 for "unchanged"); ok is false for another word. It is safe before the
// Go runtime starts (the early start uses it).
func PropagationFlags(word string) (flags uintptr, ok bool) {
	switch word {
	case "private":
		return PropagationPrivate, true
	case "shared":
		return unix.MS_REC | unix.MS_SHARED, true
	case "slave":
		return unix.MS_REC | unix.MS_SLAVE, true
	case "unchanged":
		return 0, true
	}
	return 0, false
}
