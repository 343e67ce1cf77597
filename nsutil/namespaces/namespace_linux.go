package namespaces

import (
	"errors"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// ID identifies a namespace: the device and inode number of its file in
// the nsfs pseudo-filesystem, which is what stat(2) on /proc/PID/ns/TYPE
// returns (namespaces(7): "if two processes are in the same namespace, then
// the device IDs and inode numbers of their /proc/PID/ns/xxx symbolic links
// will be the same"). lsns and cinf call the inode alone "the namespace".
type ID struct {
	Dev uint64
	Ino uint64
}

// ProcPath is /proc/PID/ns/TYPE; pid 0 means the caller (/proc/self).
func ProcPath(pid int, t Type) string {
	if pid == 0 {
		return "/proc/self/ns/" + t.String()
	}
	return "/proc/" + strconv.Itoa(pid) + "/ns/" + t.String()
}

// Stat returns the identity of the namespace a /proc/PID/ns/TYPE link or a
// bind mount of one refers to: stat(2) follows the magic link to the nsfs
// inode. Reading another user's links needs ptrace access
// (PTRACE_MODE_READ_FSCREDS, proc(5)): EACCES otherwise.
func Stat(path string) (ID, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return ID{}, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	return ID{Dev: st.Dev, Ino: st.Ino}, nil
}

// Of returns the identity of process pid's namespace of type t
// (pid 0: the caller).
func Of(pid int, t Type) (ID, error) {
	return Stat(ProcPath(pid, t))
}

// Relations is what the nsfs ioctls (ioctl_ns(2)) say about a namespace.
type Relations struct {
	Ino  uint64 // the namespace's own inode (the file actually opened)
	Type Type
	// Owner is the inode of the user namespace that owns the namespace
	// (NS_GET_USERNS); for a user namespace, the one it was created in.
	// 0 when that user namespace lies outside the caller's (EPERM) or the
	// namespace is the initial user namespace.
	Owner uint64
	// Parent is the inode of the parent namespace for the hierarchical
	// types, pid and user (NS_GET_PARENT); 0 for the other types and for
	// the root of the caller's hierarchy (EPERM).
	Parent uint64
	// OwnerUID is the UID that created a user namespace (NS_GET_OWNER_UID),
	// as seen from the caller's user namespace; -1 for other types.
	OwnerUID int64
}

// Open opens a namespace file (/proc/PID/ns/TYPE, a bind mount of one, or
// /proc/PID/fd/N of an open one) for the nsfs ioctls (ioctl_ns(2)) and
// setns(2); a failure is an *os.PathError.
func Open(path string) (int, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return fd, nil
}

// ReadRelations opens a namespace file (/proc/PID/ns/TYPE or a bind mount of
// one) and asks nsfs for its type, owner, parent and creator UID.
func ReadRelations(path string) (Relations, error) {
	fd, err := Open(path)
	if err != nil {
		return Relations{}, err
	}
	defer unix.Close(fd)
	return RelationsOfFD(fd, path)
}

// RelationsOfFD is ReadRelations for a namespace file already open (path
// names it in errors).
func RelationsOfFD(fd int, path string) (Relations, error) {
	r := Relations{OwnerUID: -1}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return r, &os.PathError{Op: "fstat", Path: path, Err: err}
	}
	r.Ino = st.Ino
	flag, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	if err != nil {
		return r, &os.PathError{Op: "ioctl NS_GET_NSTYPE", Path: path, Err: err}
	}
	t, ok := nsTypeFromCloneFlag(flag)
	if !ok {
		return r, &os.PathError{Op: "ioctl NS_GET_NSTYPE", Path: path, Err: errors.New("unknown namespace type " + strconv.Itoa(flag))}
	}
	r.Type = t
	// Both ioctls return a new file descriptor for the related namespace;
	// EPERM means it lies outside the caller's view, which is no error.
	if r.Owner, err = relatedIno(fd, unix.NS_GET_USERNS); err != nil {
		return r, &os.PathError{Op: "ioctl NS_GET_USERNS", Path: path, Err: err}
	}
	if t == Pid || t == User {
		if r.Parent, err = relatedIno(fd, unix.NS_GET_PARENT); err != nil {
			return r, &os.PathError{Op: "ioctl NS_GET_PARENT", Path: path, Err: err}
		}
	}
	if t == User {
		// NS_GET_OWNER_UID writes a uid_t through its argument.
		if uid, err := unix.IoctlGetUint32(fd, unix.NS_GET_OWNER_UID); err == nil {
			r.OwnerUID = int64(uid)
		}
	}
	return r, nil
}

// relatedIno runs NS_GET_USERNS or NS_GET_PARENT on fd and returns the
// inode of the namespace it yields, or 0 when the kernel says EPERM.
func relatedIno(fd int, req uint) (uint64, error) {
	rfd, err := unix.IoctlRetInt(fd, req)
	if err == unix.EPERM {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer unix.Close(rfd)
	var st unix.Stat_t
	if err := unix.Fstat(rfd, &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// CreatorUID opens a namespace file and returns the UID that created the
// user namespace behind it (NS_GET_OWNER_UID, ioctl_ns(2)): the namespace
// itself when it is a user namespace, else the user namespace owning it.
func CreatorUID(path string) (uint32, error) {
	fd, err := Open(path)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	flag, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	if err != nil {
		return 0, &os.PathError{Op: "ioctl NS_GET_NSTYPE", Path: path, Err: err}
	}
	if flag != unix.CLONE_NEWUSER {
		ufd, err := unix.IoctlRetInt(fd, unix.NS_GET_USERNS)
		if err != nil {
			return 0, &os.PathError{Op: "ioctl NS_GET_USERNS", Path: path, Err: err}
		}
		defer unix.Close(ufd)
		fd = ufd
	}
	uid, err := unix.IoctlGetUint32(fd, unix.NS_GET_OWNER_UID)
	if err != nil {
		return 0, &os.PathError{Op: "ioctl NS_GET_OWNER_UID", Path: path, Err: err}
	}
	return uid, nil
}
