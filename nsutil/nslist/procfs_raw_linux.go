package nslist

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/namespaces"
)

// The /proc scan reads up to eight namespace links per process: on a host
// with thousands of processes that is most of `nstool ls`'s time, and on a
// VM much of a readlink(2) is the system call's own entry and exit. Two
// things make each call cheaper than unix.Readlinkat:
//
//   - The path is built in a buffer on the stack, NUL-terminated, instead
//     of a new C string per call.
//   - RawSyscall skips the Go scheduler's bookkeeping around a system call
//     that may block (entersyscall/exitsyscall; sysmon handing the P to
//     another thread when the call lasts). readlink(2) of /proc/PID/ns/TYPE
//     never waits for I/O: procfs formats "TYPE:[INODE]" after a ptrace
//     access check (proc(5)), in a few microseconds. (The one other call
//     per process, the stat of /proc/PID, stays an ordinary one: then a
//     scan that keeps both CPUs busy still lets a waiting task run soon.)

// nsLinkNames are nsNames, NUL-terminated for readlinkAt.
var nsLinkNames = [namespaces.NumTypes]string{"mnt\x00", "net\x00", "pid\x00", "uts\x00", "ipc\x00", "user\x00", "cgroup\x00", "time\x00"}

// readlinkAt is readlinkat(2) of a namespace link; path must end in NUL.
func readlinkAt(dirfd int, path []byte, buf []byte) (int, unix.Errno) {
	n, _, errno := unix.RawSyscall6(unix.SYS_READLINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(&path[0])),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0)
	return int(n), errno
}
