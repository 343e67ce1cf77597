package spawn

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The code in this file runs in the forked child of a multithreaded Go
// process, before exec. Only this thread was copied, and it may have been
// copied while another thread held a runtime lock, so the child must not
// allocate, must not grow its stack (runtime_BeforeFork makes any attempt
// throw) and must not call anything but //go:nosplit functions that make raw
// system calls. Every pointer it passes was prepared by Spawn.prepare.

//go:linkname runtimeBeforeFork syscall.runtime_BeforeFork
func runtimeBeforeFork()

//go:linkname runtimeAfterFork syscall.runtime_AfterFork
func runtimeAfterFork()

//go:linkname runtimeAfterForkInChild syscall.runtime_AfterForkInChild
func runtimeAfterForkInChild()

//go:linkname runtimeBeforeExec syscall.runtime_BeforeExec
func runtimeBeforeExec()

//go:linkname runtimeAfterExec syscall.runtime_AfterExec
func runtimeAfterExec()

var (
	dotPath = [2]byte{'.', 0}
	atFDCWD = unix.AT_FDCWD
)

// forkChild is fork(2) for a Go program: the parent returns the child's PID;
// the child runs childMain and never returns.
//
//go:norace
//go:nocheckptr
func forkChild(sp *Spawn) (pid int, errno syscall.Errno) {
	var r1 uintptr
	var e syscall.Errno
	// ForkLock keeps other goroutines from creating file descriptors that
	// would leak into the child without O_CLOEXEC taking effect.
	syscall.ForkLock.Lock()
	runtimeBeforeFork() // blocks signals; poisons stack growth in the child
	r1, _, e = syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if e != 0 || r1 != 0 {
		runtimeAfterFork()
		syscall.ForkLock.Unlock()
		return int(r1), e
	}
	runtimeAfterForkInChild() // Go's signal handlers back to SIG_DFL, mask restored
	childMain(sp)
	return 0, 0
}

// childMain walks the steps and execs the program; on failure it reports
// (step index, errno) on the error pipe and exits.
//
//go:nosplit
//go:norace
//go:nocheckptr
func childMain(sp *Spawn) {
	// Our parent as we see it now (0 if it is outside our pid namespace):
	// if it changes, the parent died.
	sp.ppid, _, _ = syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0)
	if i, e := runSteps(sp, sp.Here); e != 0 {
		childFail(sp, uint32(i), e)
	}
	setParentDeathSignal(sp)
	if sp.rlimOK {
		syscall.RawSyscall6(syscall.SYS_PRLIMIT64, 0, unix.RLIMIT_NOFILE, uintptr(unsafe.Pointer(&sp.rlimit)), 0, 0, 0)
	}
	childFail(sp, execStep, execProgram(sp))
}

// setParentDeathSignal sets sp.ParentDeathSignal (if any) for when our
// parent (sp.ppid, as seen before the steps) dies.
//
//go:nosplit
//go:norace
func setParentDeathSignal(sp *Spawn) {
	if sp.ParentDeathSignal == 0 {
		return
	}
	syscall.RawSyscall6(syscall.SYS_PRCTL, unix.PR_SET_PDEATHSIG, uintptr(sp.ParentDeathSignal), 0, 0, 0, 0)
	// The parent may have died before the prctl: then nobody will tell us.
	if ppid, _, _ := syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0); ppid != sp.ppid {
		me, _, _ := syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0)
		syscall.RawSyscall(syscall.SYS_KILL, me, uintptr(sp.ParentDeathSignal), 0)
	}
}

// runSteps makes the steps from index from on; it returns the index and
// errno of the first that failed (errno 0: all done).
//
//go:nosplit
//go:norace
//go:nocheckptr
func runSteps(sp *Spawn, from int) (int, syscall.Errno) {
	for i := from; i < len(sp.Steps); i++ {
		switch sp.Steps[i].Kind {
		case StepPause:
			if e := childPause(sp, i); e != 0 {
				return i, e
			}
			continue
		case StepForkWait:
			if e := childForkWait(sp, i); e != 0 {
				return i, e
			}
			// The grandchild goes on; a StepPause right after the fork was
			// the waiting parent's.
			if i+1 < len(sp.Steps) && sp.Steps[i+1].Kind == StepPause {
				i++
			}
			continue
		}
		if e := doStep(sp, i); e != 0 {
			return i, e
		}
	}
	return 0, 0
}

// execProgram is execvp(3) over the prepared candidate paths, as glibc
// does it: a file the kernel cannot execute (ENOEXEC: no #! line) is run by
// /bin/sh; a missing one is passed over for the next $PATH entry; EACCES
// is remembered. It returns only on failure, with execvp's errno.
//
//go:nosplit
//go:norace
//go:nocheckptr
func execProgram(sp *Spawn) syscall.Errno {
	eacces := false
	var last syscall.Errno = syscall.ENOENT
	for j := 0; j < len(sp.paths); j++ {
		path := uintptr(unsafe.Pointer(&sp.paths[j][0]))
		_, _, e := syscall.RawSyscall(syscall.SYS_EXECVE, path,
			uintptr(unsafe.Pointer(&sp.argvp[0])), uintptr(unsafe.Pointer(&sp.envp[0])))
		if e == syscall.ENOEXEC && len(sp.shArgv) > 0 {
			sp.shArgv[1] = path // /bin/sh FILE ARGS...
			_, _, e = syscall.RawSyscall(syscall.SYS_EXECVE, sp.shArgv[0],
				uintptr(unsafe.Pointer(&sp.shArgv[0])), uintptr(unsafe.Pointer(&sp.envp[0])))
		}
		last = e
		if !execvpGoesOn(e, &eacces) {
			return e
		}
	}
	if eacces {
		return syscall.EACCES
	}
	return last
}

// execvpGoesOn is execvp(3)'s verdict on a failed execve(2) of one $PATH
// candidate: go on with the next when the file is not there (or not
// permitted: remembered in eacces, the error if nothing else runs).
//
//go:nosplit
func execvpGoesOn(e syscall.Errno, eacces *bool) bool {
	switch e {
	case syscall.EACCES:
		*eacces = true
		return true
	case syscall.ENOENT, syscall.ENOTDIR, syscall.ESTALE, syscall.ENODEV, syscall.ETIMEDOUT:
		return true
	}
	return false
}

// childFail writes (step, errno) to the error pipe and exits.
//
//go:nosplit
//go:norace
//go:nocheckptr
func childFail(sp *Spawn, step uint32, e syscall.Errno) {
	*(*uint32)(unsafe.Pointer(&sp.errBuf[0])) = step
	*(*uint32)(unsafe.Pointer(&sp.errBuf[4])) = uint32(e)
	syscall.RawSyscall(syscall.SYS_WRITE, uintptr(sp.pipes.errW), uintptr(unsafe.Pointer(&sp.errBuf[0])), 8)
	code := uintptr(1)
	if step == execStep {
		code = 126
		if e == syscall.ENOENT {
			code = 127
		}
	}
	for {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, code, 0, 0)
	}
}

// childPause tells the parent we are ready (with the pause's phase) and
// waits for its answer: 0 to go on, or 1+CPU to make the namespace of
// Args[0] again on that CPU (see BindNamespaceFiles) and pause again.
//
//go:nosplit
//go:norace
//go:nocheckptr
func childPause(sp *Spawn, i int) syscall.Errno {
	s := &sp.Steps[i]
	for {
		sp.oneByte[0] = byte(s.Args[1])
		syscall.RawSyscall(syscall.SYS_WRITE, uintptr(sp.pipes.readyW), uintptr(unsafe.Pointer(&sp.oneByte[0])), 1)
		n, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(sp.pipes.goR), uintptr(unsafe.Pointer(&sp.oneByte[0])), 1)
		if e == syscall.EINTR {
			continue
		}
		if n != 1 { // the parent gave up (it said why)
			for {
				syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 1, 0, 0)
			}
		}
		if sp.oneByte[0] == 0 {
			return 0
		}
		cpu := uint(sp.oneByte[0]) - 1
		for j := range sp.cpuMask {
			sp.cpuMask[j] = 0
		}
		sp.cpuMask[cpu/64] = 1 << (cpu % 64)
		syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, unsafe.Sizeof(sp.cpuMask), uintptr(unsafe.Pointer(&sp.cpuMask)))
		_, _, e = syscall.RawSyscall(syscall.SYS_UNSHARE, s.Args[0], 0, 0)
		syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, unsafe.Sizeof(sp.origMask), uintptr(unsafe.Pointer(&sp.origMask)))
		if e != 0 {
			return e
		}
	}
}

// childForkWait forks once more. The new child returns 0 and goes on with
// the steps; this process waits for it and exits as it did, like util-linux
// unshare --fork (SIGINT and SIGTERM blocked meanwhile) and nsenter's
// continue_as_child (stop when it stops).
//
//go:nosplit
//go:norace
//go:nocheckptr
func childForkWait(sp *Spawn, i int) syscall.Errno {
	s := &sp.Steps[i]
	if s.Args[0] != 0 { // block SIGINT and SIGTERM
		syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_BLOCK, uintptr(unsafe.Pointer(&sp.blockSS)), uintptr(unsafe.Pointer(&sp.oldSS)), 8, 0, 0)
	}
	me, _, _ := syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0)
	pid, _, e := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if e != 0 {
		if s.Args[0] != 0 {
			syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&sp.oldSS)), 0, 8, 0, 0)
		}
		return e
	}
	if pid == 0 {
		sp.ppid, _, _ = syscall.RawSyscall(syscall.SYS_GETPPID, 0, 0, 0)
		if s.Args[0] != 0 {
			syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&sp.oldSS)), 0, 8, 0, 0)
		}
		return 0
	}
	// The waiting parent: only the child may report an exec failure.
	closeFd(sp.pipes.errW)
	if i+1 < len(sp.Steps) && sp.Steps[i+1].Kind == StepPause {
		if childPause(sp, i+1) != 0 {
			syscall.RawSyscall(syscall.SYS_KILL, pid, uintptr(syscall.SIGKILL), 0)
		}
	}
	closeFd(sp.pipes.readyW)
	closeFd(sp.pipes.goR)
	var status uint32
	opts := uintptr(0)
	if s.Untraced {
		opts = unix.WUNTRACED
	}
	for {
		_, _, e = syscall.RawSyscall6(syscall.SYS_WAIT4, pid, uintptr(unsafe.Pointer(&status)), opts, 0, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			break
		}
		if status&0xff == 0x7f { // stopped: stop too, then continue the child
			syscall.RawSyscall(syscall.SYS_KILL, me, uintptr(syscall.SIGSTOP), 0)
			syscall.RawSyscall(syscall.SYS_KILL, pid, uintptr(syscall.SIGCONT), 0)
			continue
		}
		break
	}
	if e == 0 && status&0x7f == 0 {
		for {
			syscall.RawSyscall(syscall.SYS_EXIT_GROUP, uintptr(status>>8&0xff), 0, 0)
		}
	}
	if e == 0 {
		// Killed by a signal: die of the same one.
		sig := uintptr(status & 0x7f)
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, sig, uintptr(unsafe.Pointer(&sp.dflAct)), 0, 8, 0, 0)
		sp.oneSigSet = 1 << (sig - 1)
		syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, unix.SIG_UNBLOCK, uintptr(unsafe.Pointer(&sp.oneSigSet)), 0, 8, 0, 0)
		syscall.RawSyscall(syscall.SYS_KILL, me, sig, 0)
	}
	for {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 1, 0, 0)
	}
}

// closeFd closes fd unless it is -1 (an early start has no pipes).
//
//go:nosplit
func closeFd(fd int) {
	if fd >= 0 {
		syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(fd), 0, 0)
	}
}

// doStep makes step i; it is shared by the child and RunHere.
//
//go:nosplit
//go:norace
//go:nocheckptr
func doStep(sp *Spawn, i int) syscall.Errno {
	s := &sp.Steps[i]
	if s.SkipIfDone > 0 && sp.Steps[s.SkipIfDone-1].done {
		return 0
	}
	var e syscall.Errno
	var r uintptr
	switch s.Kind {
	case StepSyscall:
		_, _, e = syscall.RawSyscall6(s.Trap, s.Args[0], s.Args[1], s.Args[2], s.Args[3], s.Args[4], s.Args[5])
	case stepWriteFile:
		r, _, e = syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(&s.path[0])), syscall.O_WRONLY|syscall.O_CLOEXEC, 0, 0, 0)
		if e == syscall.ENOENT && s.IgnoreENOENT {
			return 0
		}
		if e != 0 {
			e |= errOpenFailed // the step's OpenErr, not its Err
		} else {
			if len(s.data) > 0 {
				var n uintptr
				n, _, e = syscall.RawSyscall(syscall.SYS_WRITE, r, uintptr(unsafe.Pointer(&s.data[0])), uintptr(len(s.data)))
				if e == 0 && n != uintptr(len(s.data)) {
					e = syscall.EIO
				}
			}
			syscall.RawSyscall(syscall.SYS_CLOSE, r, 0, 0)
		}
	case StepOpenCwd:
		dir := s.Args[0]
		if dir == 0 {
			dir = uintptr(unsafe.Pointer(&dotPath[0]))
		}
		r, _, e = syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(atFDCWD), dir, syscall.O_RDONLY|syscall.O_CLOEXEC, 0, 0, 0)
		if e == 0 {
			sp.cwdFd = int(r)
		}
	case stepFchdirCwd:
		if sp.cwdFd >= 0 {
			_, _, e = syscall.RawSyscall(syscall.SYS_FCHDIR, uintptr(sp.cwdFd), 0, 0)
		}
	case stepKeepCaps:
		e = keepCaps(sp, s.Args[0])
	}
	if e != 0 {
		switch {
		case s.Soft:
			return 0
		case e == s.IgnoreErrno:
			return 0
		case s.OKIfDone > 0 && sp.Steps[s.OKIfDone-1].done:
			return 0
		}
		return e
	}
	s.done = true
	return 0
}

// keepCaps is util-linux unshare --keep-caps: capget(2), inheritable =
// permitted, capset(2), then PR_CAP_AMBIENT_RAISE for every effective
// capability up to lastCap.
//
//go:nosplit
//go:norace
//go:nocheckptr
func keepCaps(sp *Spawn, lastCap uintptr) syscall.Errno {
	sp.capHdr.Version = unix.LINUX_CAPABILITY_VERSION_3
	sp.capHdr.Pid = 0
	_, _, e := syscall.RawSyscall(syscall.SYS_CAPGET, uintptr(unsafe.Pointer(&sp.capHdr)), uintptr(unsafe.Pointer(&sp.capData[0])), 0)
	if e != 0 {
		return e
	}
	sp.capData[0].Inheritable = sp.capData[0].Permitted
	sp.capData[1].Inheritable = sp.capData[1].Permitted
	_, _, e = syscall.RawSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&sp.capHdr)), uintptr(unsafe.Pointer(&sp.capData[0])), 0)
	if e != 0 {
		return e
	}
	effective := uint64(sp.capData[1].Effective)<<32 | uint64(sp.capData[0].Effective)
	for c := uintptr(0); c <= lastCap && c < 64; c++ {
		if effective&(1<<c) == 0 {
			continue
		}
		if _, _, e = syscall.RawSyscall6(syscall.SYS_PRCTL, unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_RAISE, c, 0, 0, 0); e != 0 {
			return e
		}
	}
	return 0
}
