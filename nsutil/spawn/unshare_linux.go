package spawn

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountopt"
	"github.com/nstool/nstool/nsutil/mountsys"
	"github.com/nstool/nstool/nsutil/sysfmt"
)

// Pause phases of an unshare Spawn (Step.Args[1] of its StepPause).
const (
	PersistNamespaces  = 0 // the namespaces exist: bind them (but for --fork, not *_for_children)
	persistForChildren = 1 // --fork: the child exists, bind pid_for_children and time_for_children
)

// PersistFiles returns the files to bind at a pause phase.
func (c *UnshareConfig) PersistFiles(phase int) map[uintptr]string {
	out := map[uintptr]string{}
	for flag, file := range c.Persist {
		forChildren := flag == unix.CLONE_NEWPID || flag == unix.CLONE_NEWTIME
		if !c.Fork || forChildren == (phase == persistForChildren) {
			out[flag] = file
		}
	}
	return out
}

// UnshareConfig is what `unshare` was asked to do, in util-linux's terms.
type UnshareConfig struct {
	Flags uintptr // CLONE_NEW* to unshare
	// Persist maps a CLONE_NEW* flag to the file its namespace is bound onto
	// (--mount=FILE and friends).
	Persist map[uintptr]string
	// Propagation is applied to / recursively when a mount namespace is
	// made: MS_REC|MS_PRIVATE (default), MS_REC|MS_SHARED, MS_REC|MS_SLAVE,
	// or 0 for "unchanged".
	Propagation uintptr
	Fork        bool
	KillChild   syscall.Signal // 0: no --kill-child
	MountProc   *string        // nil: no --mount-proc (an empty directory is asked, and fails)
	MapUser     int            // -1: none; else the UID inside for our euid
	MapGroup    int            // -1: none
	Setgroups   string         // "", "allow" or "deny"
	Root, Wd    *string        // nil: not asked (an empty one is asked, and fails)
	KeepCaps    bool           // --keep-caps (with a user namespace)
	SetUID      int            // -1: keep
	SetGID      int            // -1: keep
	// UserRange and GroupRange are --map-users and --map-groups (nil:
	// none), mapped by newuidmap(1) and newgidmap(1) at the MapIDs pause;
	// with one, MapUser (MapGroup) is the single ID mapped beside it
	// rather than a line of its own (NewIDMapArgs).
	UserRange, GroupRange *IDRange
	// Monotonic and Boottime are time namespace offsets in seconds (nil: none).
	Monotonic, Boottime *int64
	RealUID, RealGID    int // euid and egid before the user namespace

	Name         string // program as given, or the shell
	Argv, Env    []string
	NoPathSearch bool // the default shell is exec'd by path (exec_shell)
}

// InProcess reports whether nstool makes the namespaces itself and then
// executes the program in its own place, exactly as util-linux does: this is
// possible without a user namespace (unshare(2) refuses CLONE_NEWUSER to a
// multithreaded process) and without --fork.
func (c *UnshareConfig) InProcess() bool {
	// Time offsets too: /proc/self/timens_offsets belongs to the thread
	// group leader, not to the thread that unshared.
	return c.Flags&unix.CLONE_NEWUSER == 0 && !c.Fork && c.Monotonic == nil && c.Boottime == nil
}

// ParentUnshares reports whether, with --fork, nstool makes the namespaces
// itself on its own thread and then forks the program as their first
// process: util-linux's exact shape, possible without a user namespace and
// without time offsets (see InProcess). Otherwise a single-threaded child
// unshares, forks and waits.
func (c *UnshareConfig) ParentUnshares() bool {
	return c.Fork && c.Flags&unix.CLONE_NEWUSER == 0 && c.Monotonic == nil && c.Boottime == nil
}

// unsharePlan is an UnshareConfig in the fixed-size, allocation-free form
// that both starts plan from (plan): the ordinary start fills it from the
// config (Spawn), the early start from the command line as the kernel
// passed it (EarlyUnshare.Plan). Strings are C strings.
type unsharePlan struct {
	flags          uintptr
	fork           bool
	parentUnshares bool    // with fork: this process unshares, its child is the program (Spawn.Here)
	parentDies     bool    // with fork: a waiting parent dies with nstool (the ordinary start's child)
	persist        uintptr // CLONE_NEW* of the namespaces bound onto files
	killChild      uintptr // a signal; 0: none
	mapUser        int     // -1: none
	mapGroup       int
	userRange      bool // newuidmap maps the uids at a MapIDs pause (mapUser goes with it)
	groupRange     bool
	realUID        int
	realGID        int
	setgroups      string
	propagation    uintptr
	root, wd       *byte // nil: not asked
	mountProc      *byte // nil: no --mount-proc
	setUID, setGID int   // -1: keep
	keepCaps       bool
	lastCap        uintptr
	monotonic      *int64
	boottime       *int64
	lines          [4][48]byte // uid_map, gid_map, boottime and monotonic lines
}

// maxUnshareSteps is the most steps plan makes.
const maxUnshareSteps = 24

// Pause texts (--explain).
const (
	textPersist     = "pause: nstool bind-mounts /proc/PID/ns/* onto the files"
	textPersistKids = "pause: nstool bind-mounts /proc/PID/ns/pid_for_children, time_for_children"
)

// plan lays out the steps into out (at least maxUnshareSteps long), in
// util-linux unshare's order: unshare(2) → time offsets → (persist) →
// (fork) → uid_map, setgroups, gid_map → propagation of / → chroot, chdir
// → proc → setgid, setuid → capabilities; it returns how many, and how many
// of them this process makes before a fork (Spawn.Here). It allocates
// nothing: the early start calls it before Go's runtime starts. Text is
// set where it is a constant (describe renders the rest).
//
//go:nocheckptr
func (p *unsharePlan) plan(out []Step) (n, here int) {
	add := func(s Step) { out[n] = s; n++ }
	add(Step{Kind: StepSyscall, Err: "unshare failed", Trap: unix.SYS_UNSHARE, Args: [6]uintptr{p.flags}})
	// newuidmap and newgidmap write the maps from outside, right after the
	// user namespace exists, as util-linux's helper child does.
	if p.userRange || p.groupRange {
		add(Step{Kind: StepPause, Text: textMapIDs, Err: "unshare failed", Args: [6]uintptr{0, MapIDs}})
	}
	// Offsets may be written only before a process enters the time
	// namespace, i.e. here, before the fork or the exec (time_namespaces(7)).
	if p.boottime != nil {
		add(planWrite(cTimensOffsets, clockOffset(p.lines[2][:], unix.CLOCK_BOOTTIME, *p.boottime),
			"failed to open /proc/self/timens_offsets", "failed to write to /proc/self/timens_offsets", false))
	}
	if p.monotonic != nil {
		add(planWrite(cTimensOffsets, clockOffset(p.lines[3][:], unix.CLOCK_MONOTONIC, *p.monotonic),
			"failed to open /proc/self/timens_offsets", "failed to write to /proc/self/timens_offsets", false))
	}
	// Persisting: nstool binds the namespace files while this process
	// waits. With --fork, pid_for_children exists only once the child does:
	// those are bound in a second pause, by the waiting parent.
	if p.persist != 0 {
		add(Step{Kind: StepPause, Text: textPersist, Err: "unshare failed", Args: [6]uintptr{unix.CLONE_NEWNS, PersistNamespaces}})
	}
	if p.fork {
		if p.parentUnshares {
			here = n // nstool made those; Start forks the rest
		} else {
			if p.parentDies { // a waiting child of nstool has no purpose without it
				add(Step{Kind: StepSyscall, Err: "prctl failed", Trap: unix.SYS_PRCTL, Args: [6]uintptr{unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL)}})
			}
			add(Step{Kind: StepForkWait, Text: "fork(); the parent blocks SIGINT and SIGTERM and waits for the child",
				Err: "fork failed", Args: [6]uintptr{1}})
		}
		if p.persist&(unix.CLONE_NEWPID|unix.CLONE_NEWTIME) != 0 {
			add(Step{Kind: StepPause, Text: textPersistKids, Err: "unshare failed", Args: [6]uintptr{unix.CLONE_NEWNS, persistForChildren}})
		}
	}
	if p.killChild != 0 {
		add(Step{Kind: StepSyscall, Err: "prctl failed", Trap: unix.SYS_PRCTL, Args: [6]uintptr{unix.PR_SET_PDEATHSIG, p.killChild}})
	}
	if p.mapUser >= 0 && !p.userRange {
		add(planWrite(cUIDMap, idMap(p.lines[0][:], p.mapUser, p.realUID), "cannot open /proc/self/uid_map", "write failed /proc/self/uid_map", false))
	}
	if p.mapGroup >= 0 && !p.groupRange {
		// Since Linux 3.19 an unprivileged gid_map needs setgroups denied
		// first (user_namespaces(7)).
		add(planWrite(cSetgroups, "deny", "cannot open /proc/self/setgroups", "write failed /proc/self/setgroups", true))
		add(planWrite(cGIDMap, idMap(p.lines[1][:], p.mapGroup, p.realGID), "cannot open /proc/self/gid_map", "write failed /proc/self/gid_map", false))
	}
	if p.setgroups != "" {
		add(planWrite(cSetgroups, p.setgroups, "cannot open /proc/self/setgroups", "write failed /proc/self/setgroups", true))
	}
	if p.flags&unix.CLONE_NEWNS != 0 && p.propagation != 0 {
		add(Step{Kind: StepSyscall, Err: "cannot change root filesystem propagation", Trap: unix.SYS_MOUNT,
			Args: [6]uintptr{cptr(cNone), cptr(cRoot), 0, p.propagation}})
	}
	wd := p.wd
	if p.root != nil {
		add(Step{Kind: StepSyscall, Err: errChroot, Trap: unix.SYS_CHROOT, Path: CString(p.root),
			Args: [6]uintptr{uintptr(unsafe.Pointer(p.root))}})
		if wd == nil {
			wd = unsafe.StringData(cRoot)
		}
	}
	if wd != nil {
		add(Step{Kind: StepSyscall, Err: errChdir, Trap: unix.SYS_CHDIR, Path: CString(wd),
			Args: [6]uintptr{uintptr(unsafe.Pointer(wd))}})
	}
	if p.mountProc != nil {
		// With the default propagation the recursive change of / already
		// made an existing proc mount private; otherwise the new proc must
		// not propagate back to the parent namespace.
		dir := uintptr(unsafe.Pointer(p.mountProc))
		if p.root == nil && p.propagation != mountopt.PropagationPrivate {
			add(Step{Kind: StepSyscall, Err: "cannot change %s filesystem propagation", Trap: unix.SYS_MOUNT, Path: CString(p.mountProc),
				Args: [6]uintptr{cptr(cNone), dir, 0, unix.MS_PRIVATE | unix.MS_REC}, IgnoreErrno: syscall.EINVAL}) // EINVAL: nothing mounted there yet
		}
		add(Step{Kind: StepSyscall, Err: "mount %s failed", Trap: unix.SYS_MOUNT, Path: CString(p.mountProc),
			Args: [6]uintptr{cptr(cProc), dir, cptr(cProc), unix.MS_NOSUID | unix.MS_NOEXEC | unix.MS_NODEV}})
	}
	if p.setGID >= 0 {
		add(Step{Kind: StepSyscall, Err: "setgroups failed", Trap: unix.SYS_SETGROUPS})
		add(Step{Kind: StepSyscall, Err: "setgid failed", Trap: unix.SYS_SETGID, Args: [6]uintptr{uintptr(p.setGID)}})
	}
	if p.setUID >= 0 {
		add(Step{Kind: StepSyscall, Err: "setuid failed", Trap: unix.SYS_SETUID, Args: [6]uintptr{uintptr(p.setUID)}})
	}
	if p.keepCaps && p.flags&unix.CLONE_NEWUSER != 0 {
		add(Step{Kind: stepKeepCaps, Err: "capset failed", Args: [6]uintptr{p.lastCap},
			Text: "capget(); inheritable = permitted; capset(); prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP) for each effective CAP"})
	}
	return n, here
}

// C strings of the /proc files plan writes.
const (
	cUIDMap        = "/proc/self/uid_map\x00"
	cGIDMap        = "/proc/self/gid_map\x00"
	cSetgroups     = "/proc/self/setgroups\x00"
	cTimensOffsets = "/proc/self/timens_offsets\x00"
)

// planWrite is a stepWriteFile of a NUL-terminated path constant.
// openErr is util-linux's message when open(2) fails, errMsg when write(2)
// does.
func planWrite(cpath, data, openErr, errMsg string, ignoreENOENT bool) Step {
	return Step{Kind: stepWriteFile, OpenErr: openErr, Err: errMsg, Path: cpath[:len(cpath)-1], Data: data, IgnoreENOENT: ignoreENOENT,
		path: unsafe.Slice(unsafe.StringData(cpath), len(cpath)),
		data: unsafe.Slice(unsafe.StringData(data), len(data))}
}

// Spawn turns the config into steps (plan) and the program.
func (c *UnshareConfig) Spawn() *Spawn {
	sp := &Spawn{Name: c.Name, Argv: c.Argv, Env: c.Env, NoPathSearch: c.NoPathSearch,
		ExecErr: "failed to execute " + c.Name}
	p := &unsharePlan{flags: c.Flags, fork: c.Fork, parentUnshares: c.ParentUnshares(), parentDies: true, killChild: uintptr(c.KillChild),
		mapUser: c.MapUser, mapGroup: c.MapGroup, userRange: c.UserRange != nil, groupRange: c.GroupRange != nil, realUID: c.RealUID, realGID: c.RealGID, setgroups: c.Setgroups,
		propagation: c.Propagation, setUID: c.SetUID, setGID: c.SetGID, keepCaps: c.KeepCaps,
		monotonic: c.Monotonic, boottime: c.Boottime}
	for flag := range c.Persist {
		p.persist |= flag
	}
	cstr := func(s *string) *byte {
		if s == nil {
			return nil
		}
		b := append([]byte(*s), 0)
		sp.keep = append(sp.keep, b)
		return &b[0]
	}
	p.root, p.wd, p.mountProc = cstr(c.Root), cstr(c.Wd), cstr(c.MountProc)
	if p.keepCaps && p.flags&unix.CLONE_NEWUSER != 0 {
		p.lastCap = lastCap()
	}
	sp.plan = p // (the steps point into it)
	steps := make([]Step, maxUnshareSteps)
	n, here := p.plan(steps)
	sp.Steps, sp.Here = steps[:n], here
	for i := range sp.Steps {
		if s := &sp.Steps[i]; s.Text == "" {
			s.Text = describe(s)
		} else if s.Kind == StepPause && s.Args[1] == MapIDs {
			s.Text = c.describeIDMaps()
		}
	}
	return sp
}

// describeIDMaps renders the MapIDs pause with the commands nstool runs.
func (c *UnshareConfig) describeIDMaps() string {
	var cmds []string
	for _, argv := range c.NewIDMapArgs(0) {
		argv[1] = "PID"
		cmds = append(cmds, strings.Join(argv, " "))
	}
	return "pause: nstool runs " + strings.Join(cmds, ", then ")
}

// describe renders a step strace-like, for --explain.
func describe(s *Step) string {
	arg := func(i int) string {
		if s.Args[i] == 0 {
			return ""
		}
		return CString(*(**byte)(unsafe.Pointer(&s.Args[i])))
	}
	switch {
	case s.Kind == stepWriteFile:
		return fmt.Sprintf("write(%s, %s)", strconv.Quote(s.Path), strconv.Quote(s.Data))
	case s.Trap == unix.SYS_UNSHARE:
		return fmt.Sprintf("unshare(%s)", sysfmt.FormatCloneFlags(s.Args[0]))
	case s.Trap == unix.SYS_PRCTL:
		return fmt.Sprintf("prctl(PR_SET_PDEATHSIG, %s)", sysfmt.SignalName(syscall.Signal(s.Args[1])))
	case s.Trap == unix.SYS_MOUNT:
		return mountsys.Call{Op: "mount", Source: arg(0), Target: arg(1), FSType: arg(2), Flags: s.Args[3]}.String()
	case s.Trap == unix.SYS_CHROOT:
		return fmt.Sprintf("chroot(%s)", strconv.Quote(s.Path))
	case s.Trap == unix.SYS_CHDIR:
		return fmt.Sprintf("chdir(%s)", strconv.Quote(s.Path))
	case s.Trap == unix.SYS_SETGROUPS:
		return "setgroups(0, NULL)"
	case s.Trap == unix.SYS_SETGID:
		return fmt.Sprintf("setgid(%d)", s.Args[0])
	case s.Trap == unix.SYS_SETUID:
		return fmt.Sprintf("setuid(%d)", s.Args[0])
	}
	return fmt.Sprintf("syscall(%d)", s.Trap)
}

// lastCap is /proc/sys/kernel/cap_last_cap (CAP_CHECKPOINT_RESTORE, 40,
// when it cannot be read).
func lastCap() uintptr {
	b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if n, perr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && perr == nil && n >= 0 {
		return uintptr(n)
	}
	return 40
}

// unshare's messages for --root and --wd: Step.message fills in the %s
// with the step's Path.
const (
	errChroot = "cannot change root directory to '%s'"
	errChdir  = "cannot chdir to '%s'"
)
