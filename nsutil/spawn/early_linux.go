package spawn

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// An early start is `nstool unshare` made before the Go runtime starts.
//
// Why: on a VM every page a process touches for the first time costs a
// page fault, and Go's runtime touches some 150 pages before main (its heap,
// the stacks of its threads) where all of util-linux unshare touches 75. A
// Go program that only runs `unshare --mount true` takes 1.9x util-linux's
// time here, whatever it does after main. So nstool's ELF entry point
// (cmd/nstool/internal/early) looks at the command line first, and for the
// shapes a classroom types (namespace flags, -f, -r, -c, --mount-proc,
// --propagation) carries them out right there, as util-linux does: one
// process, unshare(2), the steps, execve(2); the runtime never starts.
//
// The rules are those of the forked child (spawn_child_linux.go) and more:
// no allocation, no goroutine, and no package has been initialised, so only
// constants and statically initialised data can be read. Everything lives
// in the static early variable below. The steps are the ones Spawn plans for
// the same UnshareConfig (a test compares the two) and runSteps makes them,
// so the order and the system calls are those of the rest of nstool.
//
// When the first step (unshare) fails, nothing has happened yet: the Go
// runtime starts and nstool does it all again the ordinary way, which
// explains the failure as usual. A later failure is kept for EarlyFailure.

// EarlyUnshare is what an early start makes: the part of an UnshareConfig
// it can carry out, and the program as the kernel passed the command line.
// Strings point into the command line (NUL-terminated there).
type EarlyUnshare struct {
	Flags             uintptr // CLONE_NEW* (with CLONE_NEWUSER for a mapping)
	Fork              bool
	MapUser, MapGroup int    // -1: none; else the ID inside for our euid (egid)
	Setgroups         string // "", "allow" or "deny"
	Propagation       uintptr
	MountProc         *byte  // --mount-proc's directory (a C string); nil: none
	Root, Wd          *byte  // C strings; nil: not asked
	SetUID, SetGID    int    // -1: keep
	KeepCaps          bool   // --keep-caps (with a user namespace)
	Monotonic         *int64 // time namespace offsets (nil: none)
	Boottime          *int64
	EarlyProgram
}

// EarlyProgram is the program an early start executes, as the kernel
// passed the command line. Name is searched in $PATH unless it holds a
// slash or NoPathSearch is set; it is NUL-terminated in memory, pointing
// into the command line or the environment, as do Argv and Env
// (NULL-terminated arrays).
type EarlyProgram struct {
	Name         string
	NoPathSearch bool
	Argv, Env    **byte
}

// C strings for the early steps' arguments (static data, no allocation).
const (
	cNone = "none\x00"
	cRoot = "/\x00"
	cDot  = ".\x00"
	cProc = "proc\x00"
	cPath = "/proc\x00"
)

// early is all the memory an early start uses.
var early struct {
	sp      Spawn
	steps   [32]Step // unshare: maxUnshareSteps; nsenter: maxNsenterSteps (and one for threadsAllowed)
	plan    unsharePlan
	nsPlan  nsenterPlan
	shArgv  [1024]uintptr
	capLast [16]byte
	pathBuf [8192]byte
	paths   [128][]byte
	verb    string
	failed  *Step // a step after the first failed (or exec, if nil with errno)
	errno   syscall.Errno
	nsStat  [2]unix.Stat_t
}

// cptr is the address of a constant C string.
//
//go:nosplit
func cptr(s string) uintptr { return uintptr(unsafe.Pointer(unsafe.StringData(s))) }

// Plan lays out the steps in static memory with the ordinary start's
// planner (unsharePlan.plan). With Fork, this process waits for the child
// that makes the steps after the fork (StepForkWait), as util-linux
// unshare --fork does.
//
//go:nocheckptr
func (e *EarlyUnshare) Plan() *Spawn {
	sp := &early.sp
	uid, _, _ := syscall.RawSyscall(syscall.SYS_GETEUID, 0, 0, 0)
	gid, _, _ := syscall.RawSyscall(syscall.SYS_GETEGID, 0, 0, 0)
	p := &early.plan
	*p = unsharePlan{flags: e.Flags, fork: e.Fork, mapUser: e.MapUser, mapGroup: e.MapGroup, realUID: int(uid), realGID: int(gid),
		setgroups: e.Setgroups, propagation: e.Propagation, root: e.Root, wd: e.Wd, setUID: e.SetUID, setGID: e.SetGID,
		keepCaps: e.KeepCaps, monotonic: e.Monotonic, boottime: e.Boottime, mountProc: e.MountProc}
	if e.KeepCaps && e.Flags&unix.CLONE_NEWUSER != 0 {
		p.lastCap = earlyLastCap() // before anything is made, as util-linux
	}
	n, _ := p.plan(early.steps[:]) // (a waiting parent is nstool itself, as util-linux's unshare)
	sp.Steps = early.steps[:n]
	sp.Name, sp.NoPathSearch = e.Name, e.NoPathSearch
	sp.ParentDeathSignal = 0 // as the ordinary start: a --fork child lives on
	sp.cwdFd = -1
	sp.pipes = spawnPipes{errW: -1, readyW: -1, goR: -1} // nobody to report to
	sp.blockSS = 1<<(uint(syscall.SIGINT)-1) | 1<<(uint(syscall.SIGTERM)-1)
	return sp
}

// earlyLastCap is lastCap without Go's runtime: the number in
// /proc/sys/kernel/cap_last_cap (capabilities(7)), 40 when it cannot be read.
//
//go:nocheckptr
func earlyLastCap() uintptr {
	const path = "/proc/sys/kernel/cap_last_cap\x00"
	fd, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(atFDCWD), cptr(path), syscall.O_RDONLY|syscall.O_CLOEXEC, 0, 0, 0)
	if e != 0 {
		return 40
	}
	buf := early.capLast[:]
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	closeFd(int(fd))
	v, digits := uintptr(0), 0
	for i := 0; e == 0 && i < int(n) && i < len(buf) && buf[i] >= '0' && buf[i] <= '9'; i++ {
		v, digits = v*10+uintptr(buf[i]-'0'), digits+1
	}
	if digits == 0 {
		return 40
	}
	return v
}

// clockOffset writes "CLOCK OFFSET 0" (a timens_offsets line,
// time_namespaces(7)) into buf.
func clockOffset(buf []byte, clock int, offset int64) string {
	n := appendUint(buf, 0, clock)
	buf[n] = ' '
	n++
	u := uint64(offset)
	if offset < 0 {
		buf[n] = '-'
		n++
		u = -u
	}
	n = appendUint64(buf, n, u)
	buf[n], buf[n+1], buf[n+2] = ' ', '0', 0
	return unsafe.String(&buf[0], n+2)
}

// idMap writes "inside outside 1" (a uid_map line) into buf.
func idMap(buf []byte, inside, outside int) string {
	n := appendUint(buf, 0, inside)
	buf[n] = ' '
	n = appendUint(buf, n+1, outside)
	buf[n], buf[n+1] = ' ', '1'
	return unsafe.String(&buf[0], n+2)
}

// appendUint writes v in decimal at buf[n:] and returns the new length.
func appendUint(buf []byte, n, v int) int { return appendUint64(buf, n, uint64(v)) }

// appendUint64 is appendUint for any uint64.
func appendUint64(buf []byte, n int, v uint64) int {
	var digits [20]byte
	i := len(digits)
	for {
		i--
		digits[i] = byte('0' + v%10)
		if v /= 10; v == 0 {
			break
		}
	}
	return n + copy(buf[n:], digits[i:])
}

// candidates lays out the paths to try (execvpPaths) in early's memory;
// false when they do not fit (the ordinary start copes).
//
//go:nocheckptr
func (e *EarlyProgram) candidates() bool {
	name := e.Name
	if e.NoPathSearch || containsSlash(name) {
		early.paths[0] = unsafe.Slice(unsafe.StringData(name), len(name)+1) // the NUL after it
		early.sp.paths = early.paths[:1]
		return true
	}
	path := defaultPath
	for env := e.Env; *env != nil; env = (**byte)(unsafe.Add(unsafe.Pointer(env), unsafe.Sizeof(env))) {
		if kv := CString(*env); len(kv) >= 5 && kv[:5] == "PATH=" {
			path = kv[5:] // the first, as getenv(3)
			break
		}
	}
	n, ok := execvpPaths(name, path, early.pathBuf[:], early.paths[:])
	early.sp.paths = early.paths[:n]
	return ok
}

//go:nosplit
func containsSlash(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return true
		}
	}
	return false
}

// CString is the NUL-terminated string at p, without a copy.
//
//go:nosplit
//go:nocheckptr
func CString(p *byte) string {
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return unsafe.String(p, n)
}

// CStrings is strs as a NULL-terminated array of C strings, as the kernel
// passes a command line (for Go code, after the runtime started: it
// allocates).
func CStrings(strs []string) []*byte {
	out := make([]*byte, len(strs)+1)
	for i, s := range strs {
		out[i] = &append([]byte(s), 0)[0]
	}
	return out
}

// Args is Argv as Go strings (for Go code, after the runtime started: it
// allocates).
func (e *EarlyProgram) Args() []string {
	var out []string
	for p := e.Argv; *p != nil; p = (**byte)(unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(p))) {
		out = append(out, CString(*p))
	}
	return out
}

// Run makes the early start of unshare: it returns only when the Go
// runtime must start after all: nothing was made (the first step failed,
// or the command line does not fit in early's memory), or a later step or
// the exec failed (EarlyFailure says which).
//
//go:nocheckptr
func (e *EarlyUnshare) Run() {
	sp := e.Plan()
	// As util-linux: an inherited SIGCHLD = SIG_IGN would have the kernel
	// reap the --fork child, and the program inherit it.
	e.run(sp, "unshare", true)
}

// run ends every early start: the program's paths and arguments, the
// steps, the exec. See Run.
//
//go:nocheckptr
func (e *EarlyProgram) run(sp *Spawn, verb string, resetSIGCHLD bool) {
	if !e.candidates() {
		return
	}
	sp.argvp = unsafe.Slice(e.Argv, 1)
	sp.envp = unsafe.Slice(e.Env, 1)
	argc := 0
	for p := e.Argv; *p != nil; p = (**byte)(unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(p))) {
		argc++
	}
	sp.shArgv = nil
	if !e.NoPathSearch && argc+2 > len(early.shArgv) {
		return // too many arguments for early's memory: the ordinary start copes
	}
	if !e.NoPathSearch { // as prepare: /bin/sh, FILE, Argv[1:], NULL
		sh := early.shArgv[:argc+2]
		sh[0] = cptr(cBinSh)
		args := unsafe.Slice(e.Argv, argc)
		for i := 1; i < argc; i++ {
			sh[i+1] = uintptr(unsafe.Pointer(args[i]))
		}
		sh[argc+1] = 0
		sp.shArgv = sh
	}
	if resetSIGCHLD {
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(syscall.SIGCHLD), uintptr(unsafe.Pointer(&sp.dflAct)), 0, 8, 0, 0)
	}
	early.verb = verb
	i, errno := runSteps(sp, 0)
	if errno == 0 {
		setParentDeathSignal(sp) // (set only for the child of a fork)
		early.failed, early.errno = nil, execProgram(sp)
	} else if i == 0 {
		return // nothing made: the ordinary start does it all and explains
	} else {
		early.failed, early.errno = &sp.Steps[i], errno
	}
	if errno != 0 && sp.Steps[i].Kind == StepForkWait {
		// A process that cannot fork cannot start Go's threads either.
		earlyFatal(sp.Steps[i].Err, errno)
	}
	ran := len(sp.Steps) // all of them: the exec failed
	if errno != 0 {
		ran = i
	}
	if !threadsAllowed(sp, ran) {
		// This process entered a pid namespace for its children (unshare
		// or setns CLONE_NEWPID, without a fork since): the kernel refuses
		// it threads (clone(2) EINVAL), and Go's runtime needs them. A
		// child, in that namespace, starts it to report; we end as it does.
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(syscall.SIGCHLD), uintptr(unsafe.Pointer(&sp.dflAct)), 0, 8, 0, 0)
		early.steps[len(early.steps)-1] = Step{Kind: StepForkWait, Err: "fork failed"}
		sp.Steps = early.steps[:]
		if e := childForkWait(sp, len(sp.Steps)-1); e != 0 {
			earlyFatal("fork failed", e)
		}
	}
}

// threadsAllowed: clone(2) with CLONE_THREAD works after the first n steps,
// i.e. they made no pid namespace the one for our children (an unshare or
// setns of CLONE_NEWPID) without a fork since (after which we are the child,
// in that namespace).
//
//go:nosplit
func threadsAllowed(sp *Spawn, n int) bool {
	allowed := true
	for j := 0; j < n; j++ {
		s := &sp.Steps[j]
		switch {
		case s.Kind == StepForkWait:
			allowed = true
		case !s.done || s.Kind != StepSyscall:
		case s.Trap == unix.SYS_UNSHARE && s.Args[0]&unix.CLONE_NEWPID != 0,
			s.Trap == unix.SYS_SETNS && s.Args[1] == unix.CLONE_NEWPID:
			allowed = false
		}
	}
	return allowed
}

// earlyFatal prints "nstool VERB: MSG: ERROR" and exits 1, without Go's
// runtime (errors other than clone(2)'s are shown by number).
//
//go:nocheckptr
func earlyFatal(msg string, errno syscall.Errno) {
	buf := early.pathBuf[:]
	n := copy(buf, "nstool ")
	n += copy(buf[n:], early.verb)
	n += copy(buf[n:], ": ")
	n += copy(buf[n:], msg)
	n += copy(buf[n:], ": ")
	switch errno {
	case syscall.EAGAIN:
		n += copy(buf[n:], "Resource temporarily unavailable")
	case syscall.ENOMEM:
		n += copy(buf[n:], "Cannot allocate memory")
	case syscall.ENOSPC:
		n += copy(buf[n:], "No space left on device")
	default:
		n += copy(buf[n:], "errno ")
		n = appendUint(buf, n, int(errno))
	}
	buf[n] = '\n'
	syscall.RawSyscall(syscall.SYS_WRITE, 2, uintptr(unsafe.Pointer(&buf[0])), uintptr(n+1))
	for {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 1, 0, 0)
	}
}

// EarlyFailure is the failure of an early start that made its first step,
// as util-linux reports it (nil when there was none), and the command
// ("unshare", "nsenter"): the Go runtime then starts in the new namespaces
// only to say so.
func EarlyFailure() (verb string, err *SpawnError) {
	verb = early.verb
	switch {
	case early.errno == 0:
		return verb, nil
	case early.failed == nil:
		return verb, &SpawnError{Step: "failed to execute " + early.sp.Name, Errno: early.errno, Exec: true}
	}
	return verb, early.failed.failure(early.errno)
}
