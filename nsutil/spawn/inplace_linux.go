package spawn

import "golang.org/x/sys/unix"

// InProcess reports whether nstool can enter the namespaces itself, on its
// own locked thread, and then execute the program in its own place, as
// util-linux nsenter does when it does not fork. A Go process is
// multithreaded, and setns(2) is per thread for most types, but not all:
//
//   - CLONE_NEWUSER: the kernel refuses it (EINVAL) unless the caller is
//     single-threaded (setns(2), user_namespaces(7));
//   - CLONE_NEWTIME: likewise refused (EUSERS) to a multithreaded caller
//     (time_namespaces(7));
//   - CLONE_NEWPID moves only the children (pid_namespaces(7)): the program
//     must be forked, unless --no-fork asks for exactly that;
//   - CLONE_NEWNS needs an fs_struct of the caller's own (EINVAL when it is
//     shared, and Go's threads share one): the thread first calls
//     unshare(CLONE_FS) (see UnshareFS).
//
// The mount, UTS, IPC, network and cgroup namespaces (and pid with
// --no-fork) are entered on the thread; execve(2) from it then makes that
// thread the whole process, with nstool's PID (execve(2): "all threads other
// than the calling thread are destroyed"). Call Open first.
func (c *NsenterConfig) InProcess() bool {
	for _, fl := range c.nsFlags {
		switch {
		case fl == unix.CLONE_NEWUSER, fl == unix.CLONE_NEWTIME:
			return false
		case fl == unix.CLONE_NEWPID && !c.NoFork:
			return false
		}
	}
	return true
}

// UnshareFS gives the calling thread an fs_struct of its own (root,
// working directory, umask), so that setns(2) into a mount namespace,
// chroot(2) and chdir(2) act on it alone (unshare(2): CLONE_FS). The caller
// must have locked its goroutine to the thread (runtime.LockOSThread) and
// keep it locked: Go must never run another goroutine there.
func UnshareFS() error {
	return unix.Unshare(unix.CLONE_FS)
}
