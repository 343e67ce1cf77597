package nsutil

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// The /proc scan makes up to nine system calls per process, a statx(2) of
// /proc/PID and a readlink(2) of each /proc/PID/ns/TYPE link: on a host
// with thousands of processes that is most of `nstool ls`'s time, and on a
// VM much of each call is its own entry and exit. Two things make them
// cheaper than unix.Statx and unix.Readlinkat:
//
//   - The path is built in a buffer on the stack, NUL-terminated, instead
//     of a new C string per call.
//   - RawSyscall skips the Go scheduler's bookkeeping around a system call
//     that may block (entersyscall/exitsyscall; sysmon handing the P to
//     another thread when the call lasts). These calls never wait for I/O:
//     procfs answers from the task itself, after a ptrace access check for
//     the links (proc(5)), in a few microseconds.

// nsLinkNames are nsNames, NUL-terminated for readlinkAt.
var nsLinkNames = [NumNSTypes]string{"mnt\x00", "net\x00", "pid\x00", "uts\x00", "ipc\x00", "user\x00", "cgroup\x00", "time\x00"}

// readlinkAt is readlinkat(2) of a namespace link; path must end in NUL.
func readlinkAt(dirfd int, path []byte, buf []byte) (int, unix.Errno) {
	n, _, errno := unix.RawSyscall6(unix.SYS_READLINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(&path[0])),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0)
	return int(n), errno
}

// ownerAt returns the owner of a /proc/PID directory (path "PID\x00",
// relative to dirfd) with statx(2).
func ownerAt(dirfd int, path []byte) (uint32, unix.Errno) {
	var stx unix.Statx_t
	_, _, errno := unix.RawSyscall6(unix.SYS_STATX, uintptr(dirfd), uintptr(unsafe.Pointer(&path[0])),
		0, unix.STATX_UID, uintptr(unsafe.Pointer(&stx)), 0)
	return stx.Uid, errno
}
