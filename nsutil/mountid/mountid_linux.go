// Package mountid reads the 64-bit mount IDs that Linux 6.8 added:
// statx(2)'s STATX_MNT_ID_UNIQUE for a path, statmount(2) for what a mount
// is and listmount(2) for a namespace's mounts. Unlike mountinfo's mount IDs
// (an IDA: a freed number is handed out again) they are never reused, and
// they grow: of a mount and the copies propagation makes of it, the mount
// the process made has the smallest (checked by this package's tests).
package mountid

import (
	"errors"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ErrUnsupported: the kernel gives no 64-bit mount IDs (before Linux 6.8;
// x/sys has no wrapper for statmount/listmount yet: raw system calls).
var ErrUnsupported = errors.New("the kernel gives no 64-bit mount IDs (statmount(2), Linux 6.8+)")

// Of returns the 64-bit ID of the mount on top at path (the mount holding
// path when path is no mount point) and its mountinfo ID, as
// /proc/PID/mountinfo shows it. A path under /proc/PID/root/ names a mount
// in PID's mount namespace.
func Of(path string) (unique uint64, old int, err error) {
	var st unix.Statx_t
	flags := unix.AT_SYMLINK_NOFOLLOW | unix.AT_NO_AUTOMOUNT
	if err := unix.Statx(unix.AT_FDCWD, path, flags, unix.STATX_MNT_ID_UNIQUE, &st); err != nil {
		return 0, 0, &os.PathError{Op: "statx", Path: path, Err: err}
	}
	if st.Mask&unix.STATX_MNT_ID_UNIQUE == 0 {
		return 0, 0, ErrUnsupported
	}
	unique = st.Mnt_id
	// stx_mnt_id is one or the other, as asked (statx(2)).
	if err := unix.Statx(unix.AT_FDCWD, path, flags, unix.STATX_MNT_ID, &st); err != nil {
		return 0, 0, &os.PathError{Op: "statx", Path: path, Err: err}
	}
	return unique, int(st.Mnt_id), nil
}

// Mount is what statmount(2) says of a mount.
type Mount struct {
	ID, Parent   uint64 // 64-bit IDs
	OldID        int    // the ID mountinfo shows
	PeerGroup    uint64 // 0: in none
	Master       uint64 // 0: no slave
	Major, Minor uint32 // the filesystem's device
	Point        string // where it is mounted, in its namespace
}

// linux/mount.h, the kernel's ABI.
const (
	sysStatmount      = unix.SYS_STATMOUNT // 457 on amd64
	sysListmount      = unix.SYS_LISTMOUNT
	statmountSBBasic  = 0x01
	statmountMntBasic = 0x02
	statmountMntPoint = 0x10
	lsmtRoot          = ^uint64(0) // listmount: every mount of the namespace
	mntIDReqSizeVer1  = 32         // with mnt_ns_id (Linux 6.11)
	statmountStrings  = 512        // sizeof(struct statmount): str[] follows
)

// mntIDReq is struct mnt_id_req.
type mntIDReq struct {
	size    uint32
	spare   uint32
	mntID   uint64
	param   uint64
	mntNsID uint64
}

// statmountHead is the start of struct statmount.
type statmountHead struct {
	size, mntOpts                       uint32
	mask                                uint64
	sbDevMajor, sbDevMinor              uint32
	sbMagic                             uint64
	sbFlags, fsType                     uint32
	mntID, mntParentID                  uint64
	mntIDOld, mntParentIDOld            uint32
	mntAttr, mntPropagation             uint64
	mntPeerGroup, mntMaster, propagFrom uint64
	mntRoot, mntPoint                   uint32
}

// Stat asks statmount(2) about the mount id in the mount namespace nsID
// (namespaces.UniqueID; 0: the caller's).
func Stat(id, nsID uint64) (Mount, error) {
	// What to tell is asked in param; flags are 0.
	req := mntIDReq{size: mntIDReqSizeVer1, mntID: id, param: statmountSBBasic | statmountMntBasic | statmountMntPoint, mntNsID: nsID}
	buf := make([]byte, 64<<10)
	_, _, errno := unix.Syscall6(sysStatmount, uintptr(unsafe.Pointer(&req)), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
	if errno != 0 {
		if errno == unix.ENOSYS {
			return Mount{}, ErrUnsupported
		}
		return Mount{}, &os.SyscallError{Syscall: "statmount", Err: errno}
	}
	h := (*statmountHead)(unsafe.Pointer(&buf[0]))
	m := Mount{ID: h.mntID, Parent: h.mntParentID, OldID: int(h.mntIDOld), Major: h.sbDevMajor, Minor: h.sbDevMinor}
	if h.mntPropagation&unix.MS_SHARED != 0 {
		m.PeerGroup = h.mntPeerGroup
	}
	if h.mntPropagation&unix.MS_SLAVE != 0 {
		m.Master = h.mntMaster
	}
	if h.mask&statmountMntPoint != 0 {
		m.Point = unix.ByteSliceToString(buf[statmountStrings+int(h.mntPoint) : h.size])
	}
	return m, nil
}

// List returns the 64-bit IDs of every mount in the mount namespace nsID
// (0: the caller's), by listmount(2).
func List(nsID uint64) ([]uint64, error) {
	var out []uint64
	ids := make([]uint64, 512)
	req := mntIDReq{size: mntIDReqSizeVer1, mntID: lsmtRoot, mntNsID: nsID}
	for {
		n, _, errno := unix.Syscall6(sysListmount, uintptr(unsafe.Pointer(&req)), uintptr(unsafe.Pointer(&ids[0])), uintptr(len(ids)), 0, 0, 0)
		if errno != 0 {
			if errno == unix.ENOSYS {
				return nil, ErrUnsupported
			}
			return nil, &os.SyscallError{Syscall: "listmount", Err: errno}
		}
		out = append(out, ids[:n]...)
		if int(n) < len(ids) {
			return out, nil
		}
		req.param = ids[n-1] // the next call lists the mounts after this one
	}
}
