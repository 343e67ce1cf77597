package mountinfo

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Listed is one mount as statmount(2) describes it: the Mount its
// mountinfo line would give, plus the kernel's 64-bit mount IDs (which,
// unlike mountinfo's, are never reused).
type Listed struct {
	Mount
	UniqID, UniqParent uint64
}

// ErrNoListmount is List's error on a kernel without listmount(2) and
// statmount(2) (before Linux 6.8).
var ErrNoListmount = errors.New("listmount(2) is not supported by the kernel")

// List reads the caller's mount namespace with listmount(2) and
// statmount(2), as util-linux's --kernel=listmount does: every mount, in
// the order of their unique IDs (the order they were made in). A mount
// that goes away between the two calls is left out.
func List() ([]Listed, error) {
	var ids []uint64
	page := make([]uint64, 512)
	for last := uint64(0); ; {
		n, err := listmount(last, page)
		if err != nil {
			return nil, err
		}
		ids = append(ids, page[:n]...)
		if n < len(page) {
			break
		}
		last = page[n-1]
	}
	buf := make([]byte, 32*1024)
	out := make([]Listed, 0, len(ids))
	for _, id := range ids {
		var sm []byte
		var err error
		if sm, buf, err = statmount(id, buf); err == unix.ENOENT {
			continue // unmounted meanwhile
		} else if err != nil {
			return nil, err
		}
		out = append(out, fromStatmount(sm))
	}
	return out, nil
}

// mntIDReq is struct mnt_id_req (its second version, 32 bytes).
type mntIDReq struct {
	size, spare      uint32
	mntID, param, ns uint64
}

const lsmtRoot = ^uint64(0) // LSMT_ROOT: the whole namespace

func listmount(last uint64, ids []uint64) (int, error) {
	req := mntIDReq{size: 32, mntID: lsmtRoot, param: last}
	n, _, e := unix.Syscall6(unix.SYS_LISTMOUNT, uintptr(unsafe.Pointer(&req)), uintptr(unsafe.Pointer(&ids[0])), uintptr(len(ids)), 0, 0, 0)
	if e == unix.ENOSYS {
		return 0, ErrNoListmount
	}
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// What statmount(2) is asked for (STATMOUNT_*): sb_*, mnt_*,
// propagate_from, mnt_root, mnt_point, fs_type, mnt_opts, fs_subtype,
// sb_source.
const statmountMask = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x80 | 0x100 | 0x200

// statmount fills buf (grown while the kernel says EOVERFLOW) and returns
// the part the kernel wrote.
func statmount(id uint64, buf []byte) (sm, grown []byte, err error) {
	for {
		req := mntIDReq{size: 32, mntID: id, param: statmountMask}
		_, _, e := unix.Syscall6(unix.SYS_STATMOUNT, uintptr(unsafe.Pointer(&req)), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
		switch e {
		case 0:
			size := int(binary.NativeEndian.Uint32(buf))
			return buf[:min(size, len(buf))], buf, nil
		case unix.EOVERFLOW:
			buf = make([]byte, 2*len(buf))
		case unix.ENOSYS:
			return nil, buf, ErrNoListmount
		default:
			return nil, buf, e
		}
	}
}

// Offsets in struct statmount (include/uapi/linux/mount.h); its strings
// start at byte 512 and each [str] field is an offset into them.
const (
	smMntOpts, smMask, smDevMajor, smDevMinor, smSBFlags, smFSType = 4, 8, 16, 20, 32, 36
	smMntID, smParentID, smIDOld, smParentIDOld, smAttr            = 40, 48, 56, 60, 64
	smPropagation, smPeerGroup, smMaster, smPropagateFrom          = 72, 80, 88, 96
	smRoot, smPoint, smSubtype, smSource, smStrings                = 104, 108, 120, 124, 512
)

// mount_setattr(2)'s MOUNT_ATTR_* and the superblock's SB_* flags.
const (
	attrRdonly, attrNosuid, attrNodev, attrNoexec = 0x1, 0x2, 0x4, 0x8
	attrAtime, attrNoatime, attrStrictatime       = 0x70, 0x10, 0x20
	attrNodiratime, attrNosymfollow               = 0x80, 0x200000
	sbRdonly, sbSync, sbDirsync, sbLazytime       = 1 << 0, 1 << 4, 1 << 7, 1 << 25
	msUnbindable, msSlave, msShared               = 1 << 17, 1 << 19, 1 << 20
)

// fromStatmount makes a Listed of a statmount buffer, its options and
// optional fields written as mountinfo writes them and libmount composes
// them: per-mount "rw,nosuid,...,relatime", superblock "rw,sync,..." then
// the filesystem's own options.
func fromStatmount(sm []byte) Listed {
	u32 := func(off int) uint32 { return binary.NativeEndian.Uint32(sm[off:]) }
	u64 := func(off int) uint64 { return binary.NativeEndian.Uint64(sm[off:]) }
	mask := u64(smMask)
	str := func(off int, bit uint64) string {
		if mask&bit == 0 {
			return ""
		}
		s := sm[min(smStrings+int(u32(off)), len(sm)):]
		if i := strings.IndexByte(string(s), 0); i >= 0 {
			s = s[:i]
		}
		return string(s)
	}
	var l Listed
	l.UniqID, l.UniqParent = u64(smMntID), u64(smParentID)
	l.ID, l.Parent = int(u32(smIDOld)), int(u32(smParentIDOld))
	l.Major, l.Minor = u32(smDevMajor), u32(smDevMinor)
	l.Root, l.Target, l.Source = str(smRoot, 0x8), str(smPoint, 0x10), str(smSource, 0x200)
	l.FSType = str(smFSType, 0x20)
	if sub := str(smSubtype, 0x100); sub != "" {
		l.FSType += "." + sub
	}

	attr := u64(smAttr)
	vfs := []string{"rw"}
	if attr&attrRdonly != 0 {
		vfs[0] = "ro"
	}
	vfs = appendSet(vfs, attr, []flagName{{attrNosuid, "nosuid"}, {attrNodev, "nodev"}, {attrNoexec, "noexec"},
		{attrNodiratime, "nodiratime"}, {attrNosymfollow, "nosymfollow"}})
	switch attr & attrAtime {
	case attrStrictatime:
		vfs = append(vfs, "strictatime")
	case attrNoatime:
		vfs = append(vfs, "noatime")
	case 0:
		vfs = append(vfs, "relatime")
	}
	l.VFSOptions = strings.Join(vfs, ",")

	sb := u32(smSBFlags)
	super := []string{"rw"}
	if sb&sbRdonly != 0 {
		super[0] = "ro"
	}
	super = appendSet(super, uint64(sb), []flagName{{sbSync, "sync"}, {sbDirsync, "dirsync"}, {sbLazytime, "lazytime"}})
	if opts := str(smMntOpts, 0x80); opts != "" {
		super = append(super, Unescape(opts))
	}
	l.FSOptions = strings.Join(super, ",")

	// the optional fields, as show_mountinfo writes them
	prop := u64(smPropagation)
	var opt []string
	if prop&msShared != 0 {
		l.PeerGroup = int(u64(smPeerGroup))
		opt = append(opt, "shared:"+strconv.Itoa(l.PeerGroup))
	}
	if prop&msSlave != 0 {
		l.Master = int(u64(smMaster))
		opt = append(opt, "master:"+strconv.Itoa(l.Master))
		if from := int(u64(smPropagateFrom)); from != 0 && from != l.Master {
			l.PropagateFrom = from
			opt = append(opt, "propagate_from:"+strconv.Itoa(from))
		}
	}
	if prop&msUnbindable != 0 {
		l.Unbindable = true
		opt = append(opt, "unbindable")
	}
	l.Optional = strings.Join(opt, " ")
	return l
}

// flagName is an option word and the flag bit that sets it.
type flagName struct {
	bit  uint64
	name string
}

// appendSet appends the names of the flags set in v, in the list's order.
func appendSet(out []string, v uint64, names []flagName) []string {
	for _, f := range names {
		if v&f.bit != 0 {
			out = append(out, f.name)
		}
	}
	return out
}
