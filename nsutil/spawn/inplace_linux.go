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

// ParentEnters reports whether, entering a pid namespace (without
// --no-fork), nstool can enter every namespace itself on its own locked
// thread and then fork the program once, as util-linux nsenter does:
// setns(CLONE_NEWPID) is per thread and moves only the children
// (pid_namespaces(7)), so the thread's next fork is the program, in the
// target's pid namespace. Not with a user or time namespace (see
// InProcess). Call Open first; then ForkHere.
func (c *NsenterConfig) ParentEnters() bool {
	if !c.EntersPID() || c.NoFork {
		return false
	}
	for _, fl := range c.nsFlags {
		if fl == unix.CLONE_NEWUSER || fl == unix.CLONE_NEWTIME {
			return false
		}
	}
	return true
}

// ForkHere turns a plan that forks and waits in its child (StepForkWait)
// into one that nstool carries out itself up to the fork, forking the rest
// as the program (Here, for Start): the StepForkWait goes, and so do the
// steps before it that prepare the process that waits (SIGCHLD back to its
// default, a parent-death signal), since that process is now nstool, whose
// Go runtime keeps its own SIGCHLD handler (so no inherited SIG_IGN can
// make the kernel reap the child) and which must not die with its parent.
// It reports false, changing nothing, when the plan has no StepForkWait.
func (sp *Spawn) ForkHere() bool {
	k := -1
	for i, s := range sp.Steps {
		if s.Kind == StepForkWait {
			k = i
			break
		}
	}
	if k < 0 {
		return false
	}
	j := k
	for j > 0 && forTheWaiter(sp.Steps[j-1]) {
		j--
	}
	// Steps refer to earlier ones by index (SkipIfDone, OKIfDone): only
	// those after the cut move, and none of them refers to a removed one.
	shift := k + 1 - j
	rest := sp.Steps[k+1:]
	for i := range rest {
		for _, ref := range []*int{&rest[i].SkipIfDone, &rest[i].OKIfDone} {
			if *ref > k {
				*ref -= shift
			}
		}
	}
	sp.Steps = append(sp.Steps[:j:j], rest...)
	sp.Here = j
	return true
}

// forTheWaiter: a step that prepares the process that forks and waits.
func forTheWaiter(s Step) bool {
	return s.Kind == StepSyscall && (s.Trap == unix.SYS_RT_SIGACTION ||
		s.Trap == unix.SYS_PRCTL && s.Args[0] == unix.PR_SET_PDEATHSIG)
}
