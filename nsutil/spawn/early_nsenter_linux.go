package spawn

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// EarlyNsenter is what an early start of `nsenter` makes (see
// EarlyUnshare): the namespaces of a target process, -a, -F and
// --preserve-credentials. As util-linux nsenter it is one process (and a
// fork after entering a pid namespace); the namespace files are opened
// first, and if one cannot be, nothing has happened: the ordinary start
// does it all and explains.
type EarlyNsenter struct {
	Target        int
	Flags         uintptr // CLONE_NEW* named on the command line
	All           bool
	NoFork        bool
	PreserveCreds bool
	EarlyProgram
}

// earlyNamespaces is CloneNamespaces as constants (no package variable may
// be read before the runtime has initialised it), with nsenter's message
// for a refused setns(2). A test checks it against CloneNamespaces.
var earlyNamespaces = [...]struct {
	flag       uintptr
	name, cDir string // "mnt", "/ns/mnt\x00"
	err        string
}{
	{unix.CLONE_NEWUSER, "user", "/ns/user\x00", "reassociate to namespace 'ns/user' failed"},
	{unix.CLONE_NEWCGROUP, "cgroup", "/ns/cgroup\x00", "reassociate to namespace 'ns/cgroup' failed"},
	{unix.CLONE_NEWIPC, "ipc", "/ns/ipc\x00", "reassociate to namespace 'ns/ipc' failed"},
	{unix.CLONE_NEWUTS, "uts", "/ns/uts\x00", "reassociate to namespace 'ns/uts' failed"},
	{unix.CLONE_NEWNET, "net", "/ns/net\x00", "reassociate to namespace 'ns/net' failed"},
	{unix.CLONE_NEWPID, "pid", "/ns/pid\x00", "reassociate to namespace 'ns/pid' failed"},
	{unix.CLONE_NEWNS, "mnt", "/ns/mnt\x00", "reassociate to namespace 'ns/mnt' failed"},
	{unix.CLONE_NEWTIME, "time", "/ns/time\x00", "reassociate to namespace 'ns/time' failed"},
}

// The namespace files an early nsenter opened, in earlyNamespaces order.
var earlyNs struct {
	fd    [len(earlyNamespaces)]int
	index [len(earlyNamespaces)]int // into earlyNamespaces
	n     int
	path  [64]byte
	stat  [2]unix.Stat_t
}

// nsPath writes /proc/PID/NAME (dir like "/ns/mnt\x00") into earlyNs.path.
//
//go:nocheckptr
func nsPath(pid int, dir string) uintptr {
	n := copy(earlyNs.path[:], "/proc/")
	n = appendUint(earlyNs.path[:], n, pid)
	copy(earlyNs.path[n:], dir)
	return uintptr(unsafe.Pointer(&earlyNs.path[0]))
}

// statNs stats /proc/PID/ns/NAME into earlyNs.stat[i] (pid 0: self).
//
//go:nocheckptr
func statNs(i, pid int, dir string) bool {
	path := uintptr(unsafe.Pointer(&earlyNs.path[0]))
	if pid == 0 {
		n := copy(earlyNs.path[:], "/proc/self")
		copy(earlyNs.path[n:], dir)
	} else {
		nsPath(pid, dir)
	}
	_, _, e := syscall.RawSyscall6(sysFstatat, uintptr(atFDCWD), path,
		uintptr(unsafe.Pointer(&earlyNs.stat[i])), 0, 0, 0)
	return e == 0
}

// usable is usableNamespace: the type exists here, and a user namespace
// is not our own.
//
//go:nocheckptr
func (e *EarlyNsenter) usable(i int) bool {
	ns := &earlyNamespaces[i]
	if !statNs(0, 0, ns.cDir) {
		return false
	}
	if ns.flag == unix.CLONE_NEWUSER && statNs(1, e.Target, ns.cDir) && earlyNs.stat[1].Ino == earlyNs.stat[0].Ino {
		return false
	}
	return true
}

// Open opens the namespace files, as NsenterConfig.Open; false (and
// nothing open) when one cannot be.
//
//go:nocheckptr
func (e *EarlyNsenter) Open() bool {
	earlyNs.n = 0
	for i := range earlyNamespaces {
		ns := &earlyNamespaces[i]
		if e.Flags&ns.flag == 0 && !(e.All && e.usable(i)) {
			continue
		}
		fd, _, errno := syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(atFDCWD), nsPath(e.Target, ns.cDir),
			syscall.O_RDONLY|syscall.O_CLOEXEC, 0, 0, 0)
		if errno != 0 {
			e.Close()
			return false
		}
		earlyNs.fd[earlyNs.n], earlyNs.index[earlyNs.n] = int(fd), i
		earlyNs.n++
	}
	return earlyNs.n > 0
}

// Close closes what Open opened (they are close-on-exec otherwise).
//
//go:nosplit
func (e *EarlyNsenter) Close() {
	for j := 0; j < earlyNs.n; j++ {
		closeFd(earlyNs.fd[j])
	}
	earlyNs.n = 0
}

// Plan lays out NsenterConfig.Spawn's steps for what Open opened: with a
// user namespace (unless --preserve-credentials) setgroups(0) before and
// after, setgid(0) and setuid(0); setns(2) in two passes; a fork after a
// pid namespace unless -F.
//
//go:nocheckptr
func (e *EarlyNsenter) Plan() *Spawn {
	sp := &early.sp
	n := 0
	add := func(s Step) int { early.steps[n] = s; n++; return n }
	entersUser, entersPID := false, false
	for j := 0; j < earlyNs.n; j++ {
		flag := earlyNamespaces[earlyNs.index[j]].flag
		entersUser = entersUser || flag == unix.CLONE_NEWUSER
		entersPID = entersPID || flag == unix.CLONE_NEWPID
	}
	creds := entersUser && !e.PreserveCreds
	firstSetgroups := 0
	if creds {
		firstSetgroups = add(Step{Kind: StepSyscall, Err: "setgroups failed", Trap: unix.SYS_SETGROUPS, Soft: true})
	}
	var firstPass [len(earlyNamespaces)]int
	for j := 0; j < earlyNs.n; j++ {
		ns := &earlyNamespaces[earlyNs.index[j]]
		if ns.flag != unix.CLONE_NEWUSER {
			firstPass[j] = add(Step{Kind: StepSyscall, Err: ns.err, Trap: unix.SYS_SETNS,
				Args: [6]uintptr{uintptr(earlyNs.fd[j]), ns.flag}, Soft: true})
		}
	}
	for j := 0; j < earlyNs.n; j++ {
		ns := &earlyNamespaces[earlyNs.index[j]]
		add(Step{Kind: StepSyscall, Err: ns.err, Trap: unix.SYS_SETNS,
			Args: [6]uintptr{uintptr(earlyNs.fd[j]), ns.flag}, SkipIfDone: firstPass[j]})
	}
	// As the ordinary start and util-linux: the program that a fork made
	// lives on when this process, its waiting parent, is killed.
	sp.ParentDeathSignal = 0
	if entersPID && !e.NoFork {
		add(sigchldDefault())
		add(Step{Kind: StepForkWait, Err: "fork failed", Untraced: true})
	}
	if creds {
		add(Step{Kind: StepSyscall, Err: "setgroups failed", Trap: unix.SYS_SETGROUPS, OKIfDone: firstSetgroups})
		add(Step{Kind: StepSyscall, Err: "setgid failed", Trap: unix.SYS_SETGID})
		add(Step{Kind: StepSyscall, Err: "setuid failed", Trap: unix.SYS_SETUID})
	}
	sp.Steps = early.steps[:n]
	sp.Name, sp.NoPathSearch = e.Name, e.NoPathSearch
	sp.cwdFd = -1
	sp.pipes = spawnPipes{errW: -1, readyW: -1, goR: -1}
	return sp
}

// Run makes the early start of nsenter (see EarlyUnshare.Run).
//
//go:nocheckptr
func (e *EarlyNsenter) Run() {
	if !e.Open() {
		return
	}
	e.run(e.Plan(), "nsenter", false)
	e.Close() // back to the ordinary start: it opens them again
}

// sigDefault is a struct sigaction with SIG_DFL.
var sigDefault sigactionT

// sigchldDefault is util-linux nsenter's signal(SIGCHLD, SIG_DFL) before
// its fork: an inherited SIG_IGN would have the kernel reap the child the
// parent waits for.
//
//go:nocheckptr
func sigchldDefault() Step {
	return Step{Kind: StepSyscall, Text: "rt_sigaction(SIGCHLD, SIG_DFL)", Err: "sigaction failed",
		Trap: unix.SYS_RT_SIGACTION, Args: [6]uintptr{uintptr(syscall.SIGCHLD), uintptr(unsafe.Pointer(&sigDefault)), 0, 8}}
}
