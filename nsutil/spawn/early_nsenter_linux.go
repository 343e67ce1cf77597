package spawn

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/namespaces"
)

// EarlyNsenter is what an early start of `nsenter` makes (see
// EarlyUnshare): every option but --explain. As util-linux nsenter it is
// one process (and a fork after entering a pid namespace); the namespace
// files and directories are opened first, and if one cannot be, nothing
// has happened: the ordinary start does it all and explains.
type EarlyNsenter struct {
	Target int     // 0: none (every file is named)
	Flags  uintptr // CLONE_NEW* named on the command line
	// Files are the files --mount=FILE and friends name, by
	// namespaces.Type (nil: the target's /proc/PID/ns/NAME).
	Files          [namespaces.NumTypes]*byte
	All            bool
	NoFork         bool
	PreserveCreds  bool
	SetUID, SetGID int // -1: keep (0 is forced when entering a user namespace)
	// Root and Wd: -r and -w, of the directory RootFile (WdFile) names, or
	// the target's (nil); Wdns: -W DIR.
	Root, Wd         bool
	RootFile, WdFile *byte
	Wdns             *byte
	EarlyProgram
}

// The namespace files an early nsenter opened, in namespaces.SetnsOrder.
// (namespaces.Table and SetnsOrder are static data: readable before Go's
// runtime has initialised any package.)
var earlyNs struct {
	fd   [namespaces.NumTypes]int
	typ  [namespaces.NumTypes]namespaces.Type
	n    int
	root int // -1: none
	wd   int
	path [64]byte
	stat [2]unix.Stat_t
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

// openTarget opens file, or (nil) the target's /proc/PID/NAME (dir like
// "/root\x00"), as openNsenterFile: -1 when it cannot.
//
//go:nocheckptr
func (e *EarlyNsenter) openTarget(file *byte, dir string) int {
	path := uintptr(unsafe.Pointer(file))
	if file == nil {
		if e.Target == 0 {
			return -1 // the ordinary start says what is missing
		}
		path = nsPath(e.Target, dir)
	}
	fd, _, errno := syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(atFDCWD), path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0, 0, 0)
	if errno != 0 {
		return -1
	}
	return int(fd)
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
// is not our own; ok false when the target's user namespace cannot be
// stat(2)ed (the ordinary start says so, as util-linux).
//
//go:nocheckptr
func (e *EarlyNsenter) usable(ns *namespaces.Info) (usable, ok bool) {
	if !statNs(0, 0, ns.Dir) {
		return false, true
	}
	if ns.Flag == unix.CLONE_NEWUSER {
		if !statNs(1, e.Target, ns.Dir) {
			return false, false
		}
		return earlyNs.stat[1].Ino != earlyNs.stat[0].Ino, true
	}
	return true, true
}

// Open opens the namespace files and directories, as NsenterConfig.Open;
// false (and nothing open) when one cannot be.
//
//go:nocheckptr
func (e *EarlyNsenter) Open() bool {
	earlyNs.n, earlyNs.root, earlyNs.wd = 0, -1, -1
	if e.All && e.Target == 0 {
		return false
	}
	for _, t := range namespaces.SetnsOrder {
		ns := &namespaces.Table[t]
		if e.Flags&ns.Flag == 0 {
			if !e.All {
				continue
			}
			usable, ok := e.usable(ns)
			if !ok {
				e.Close()
				return false
			}
			if !usable {
				continue
			}
		}
		fd := e.openTarget(e.Files[t], ns.Dir)
		if fd < 0 {
			e.Close()
			return false
		}
		earlyNs.fd[earlyNs.n], earlyNs.typ[earlyNs.n] = fd, t
		earlyNs.n++
	}
	if e.Root {
		if earlyNs.root = e.openTarget(e.RootFile, "/root\x00"); earlyNs.root < 0 {
			e.Close()
			return false
		}
	}
	if e.Wd {
		if earlyNs.wd = e.openTarget(e.WdFile, "/cwd\x00"); earlyNs.wd < 0 {
			e.Close()
			return false
		}
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
	closeFd(earlyNs.root)
	closeFd(earlyNs.wd)
	earlyNs.n, earlyNs.root, earlyNs.wd = 0, -1, -1
}

// Plan lays out the steps for what Open opened with NsenterConfig.Spawn's
// planner (nsenterPlan.plan), in static memory.
//
//go:nocheckptr
func (e *EarlyNsenter) Plan() *Spawn {
	sp := &early.sp
	p := &early.nsPlan
	*p = nsenterPlan{n: earlyNs.n, rootFd: earlyNs.root, wdFd: earlyNs.wd, wdns: e.Wdns, preserveCreds: e.PreserveCreds,
		setUID: e.SetUID, setGID: e.SetGID, noFork: e.NoFork}
	for j := 0; j < earlyNs.n; j++ {
		p.fd[j], p.flag[j] = earlyNs.fd[j], namespaces.Table[earlyNs.typ[j]].Flag
	}
	// As the ordinary start and util-linux: the program that a fork made
	// lives on when this process, its waiting parent, is killed.
	sp.ParentDeathSignal = 0
	sp.Steps = early.steps[:p.plan(early.steps[:])]
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
