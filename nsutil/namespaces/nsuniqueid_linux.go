package namespaces

import (
	"errors"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ErrNoUniqueID: this kernel gives the namespace no 64-bit ID (older than
// NS_GET_MNTNS_ID, Linux 6.11, for a mount namespace; older than NS_GET_ID,
// present on 6.18, for the other types). Callers fall back to ID.
var ErrNoUniqueID = errors.New("the kernel gives this namespace no 64-bit ID")

// UniqueID returns the 64-bit ID the kernel gives a namespace at creation and
// never gives again (ioctl_ns(2) NS_GET_ID, or NS_GET_MNTNS_ID for a mount
// namespace). The nsfs inode number is no such identity: it comes from an IDA
// that hands out the lowest free number, so the next namespace made anywhere
// on the machine after one is freed gets the freed one's inode (checked here:
// three `unshare -m readlink /proc/self/ns/mnt` in a row print one number).
// path is /proc/PID/ns/TYPE, a bind mount of one, or /proc/PID/fd/N of an
// open namespace file.
func UniqueID(path string) (uint64, error) {
	fd, err := Open(path)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	for _, req := range []uint{unix.NS_GET_ID, unix.NS_GET_MNTNS_ID} {
		var id uint64
		err := ioctlPtr(fd, req, &id)
		if err == nil {
			return id, nil
		}
		// ENOTTY: the kernel lacks this request; EINVAL: NS_GET_MNTNS_ID
		// asked of a namespace that is not a mount namespace.
		if err != unix.ENOTTY && err != unix.EINVAL {
			return 0, &os.PathError{Op: "ioctl NS_GET_ID", Path: path, Err: err}
		}
	}
	return 0, ErrNoUniqueID
}

// ioctlPtr is ioctl(fd, req, p) for a request that writes a __u64 through p.
func ioctlPtr(fd int, req uint, p *uint64) error {
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(p)))
	if errno != 0 {
		return errno
	}
	return nil
}
