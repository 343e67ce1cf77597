package spawn

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// DieOfSignal ends this process with sig, the way a child that was killed by
// sig ended, so that a shell sees the same status through nstool (util-linux
// unshare and nsenter do the same). Go's runtime catches most signals, so the
// default action is put back with a raw rt_sigaction(2) first. It returns
// only when sig's default action does not terminate (then exit 1).
func DieOfSignal(sig syscall.Signal) {
	var dfl sigactionT // SIG_DFL
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
	set := uint64(1) << (uint(sig) - 1)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_UNBLOCK, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
	// To this very thread, which has just unblocked it.
	_ = unix.Tgkill(unix.Getpid(), unix.Gettid(), unix.Signal(sig))
}
