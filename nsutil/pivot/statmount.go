package pivot

import (
	"encoding/binary"
	"unsafe"

	"golang.org/x/sys/unix"
)

// parentInfo is what statmount(2) (Linux 6.8+) says of the parent of a
// mount, for a parent that mountinfo does not list: proc(5)'s mountinfo
// shows only what the caller's root can reach, and the parent of the root
// mount lies outside it (the initramfs's rootfs under a booted system's /,
// the mount a chroot's root mount sits on).
type parentInfo struct {
	attached bool // the mount has a parent: it is not its namespace's root mount
	shared   bool // the parent is MS_SHARED
	peer     uint64
	oldID    int // the parent's mountinfo ID
}

// statmountBasic is STATMOUNT_MNT_BASIC (linux/mount.h).
const statmountBasic = 0x2

// hiddenParent reads the parent of the mount path lies on; ok is false when
// the kernel cannot say (older than 6.8, or no right to look).
func hiddenParent(path string) (parentInfo, bool) {
	var stx unix.Statx_t
	if unix.Statx(unix.AT_FDCWD, path, 0, unix.STATX_MNT_ID_UNIQUE, &stx) != nil || stx.Mask&unix.STATX_MNT_ID_UNIQUE == 0 {
		return parentInfo{}, false
	}
	self, ok := statmount(stx.Mnt_id)
	if !ok {
		return parentInfo{}, false
	}
	if self.parent == self.id {
		return parentInfo{}, true
	}
	parent, ok := statmount(self.parent)
	if !ok {
		return parentInfo{}, false
	}
	return parentInfo{attached: true, shared: parent.propagation&unix.MS_SHARED != 0, peer: parent.peer, oldID: parent.oldID}, true
}

// basic is the part of struct statmount that STATMOUNT_MNT_BASIC fills.
type basic struct {
	id, parent  uint64
	oldID       int
	propagation uint64
	peer        uint64
}

// statmount calls statmount(2) for the mount with unique ID id. There is no
// wrapper in x/sys yet: struct mnt_id_req (version 0, 24 bytes) in, struct
// statmount out; the offsets are linux/mount.h's.
func statmount(id uint64) (basic, bool) {
	req := [3]uint64{24, id, statmountBasic} // size (u32) + spare (u32), mnt_id, param: what to fill
	var buf [512]byte
	_, _, errno := unix.Syscall6(unix.SYS_STATMOUNT, uintptr(unsafe.Pointer(&req)), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
	if errno != 0 {
		return basic{}, false
	}
	le := binary.NativeEndian
	if le.Uint64(buf[8:])&statmountBasic == 0 {
		return basic{}, false
	}
	return basic{
		id:          le.Uint64(buf[40:]),
		parent:      le.Uint64(buf[48:]),
		oldID:       int(le.Uint32(buf[60:])),
		propagation: le.Uint64(buf[72:]),
		peer:        le.Uint64(buf[80:]),
	}, true
}
