package spawn

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountopt"
	"github.com/nstool/nstool/nsutil/mountsys"
	"github.com/nstool/nstool/nsutil/sysfmt"
)

// Pause phases of an unshare Spawn (Step.Args[1] of its StepPause).
const (
	PersistNamespaces  = 0 // the namespaces exist: bind them (but for --fork, not *_for_children)
	PersistForChildren = 1 // --fork: the child exists, bind pid_for_children and time_for_children
)

// PersistFiles returns the files to bind at a pause phase.
func (c *UnshareConfig) PersistFiles(phase int) map[uintptr]string {
	out := map[uintptr]string{}
	for flag, file := range c.Persist {
		forChildren := flag == unix.CLONE_NEWPID || flag == unix.CLONE_NEWTIME
		if !c.Fork || forChildren == (phase == PersistForChildren) {
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
	MountProc   string         // "" or the directory for --mount-proc
	MapUser     int            // -1: none; else the UID inside for our euid
	MapGroup    int            // -1: none
	Setgroups   string         // "", "allow" or "deny"
	Root, Wd    *string        // nil: not asked (an empty one is asked, and fails)
	KeepCaps    bool           // --keep-caps (with a user namespace)
	SetUID      int            // -1: keep
	SetGID      int            // -1: keep
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

// Spawn turns the config into steps, in util-linux unshare's order:
// unshare(2) → time offsets → (persist) → (fork) → uid_map, setgroups,
// gid_map → propagation of / → chroot, chdir → proc → setgid, setuid → exec.
func (c *UnshareConfig) Spawn() *Spawn {
	sp := &Spawn{Name: c.Name, Argv: c.Argv, Env: c.Env, NoPathSearch: c.NoPathSearch,
		ExecErr: "failed to execute " + c.Name}
	add := func(s Step) { sp.Steps = append(sp.Steps, s) }

	add(syscallStep(fmt.Sprintf("unshare(%s)", sysfmt.FormatCloneFlags(c.Flags)), "unshare failed",
		unix.SYS_UNSHARE, c.Flags))
	// Offsets may be written only before a process enters the time
	// namespace, i.e. here, before the fork (time_namespaces(7)).
	if c.Boottime != nil {
		add(writeStep("/proc/self/timens_offsets", fmt.Sprintf("%d %d 0", unix.CLOCK_BOOTTIME, *c.Boottime),
			"failed to write to /proc/self/timens_offsets", false))
	}
	if c.Monotonic != nil {
		add(writeStep("/proc/self/timens_offsets", fmt.Sprintf("%d %d 0", unix.CLOCK_MONOTONIC, *c.Monotonic),
			"failed to write to /proc/self/timens_offsets", false))
	}
	// Persisting: nstool binds the namespace files while this process
	// waits. With --fork, pid_for_children exists only once the child does:
	// those are bound in a second pause, by the waiting parent.
	pause := func(phase uintptr, text string) Step {
		return Step{Kind: StepPause, Text: text, Err: "unshare failed", Args: [6]uintptr{unix.CLONE_NEWNS, phase}}
	}
	if len(c.Persist) > 0 {
		add(pause(PersistNamespaces, "pause: nstool bind-mounts /proc/PID/ns/* onto the files"))
	}
	if c.Fork {
		if c.ParentUnshares() {
			sp.Here = len(sp.Steps) // nstool made those; Start forks the rest
		} else {
			// The waiting parent has no purpose without nstool: let it die with it.
			add(syscallStep("prctl(PR_SET_PDEATHSIG, SIGKILL)", "prctl failed",
				unix.SYS_PRCTL, unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL)))
			add(Step{Kind: StepForkWait, Text: "fork(); the parent blocks SIGINT and SIGTERM and waits for the child",
				Err: "fork failed", Args: [6]uintptr{1}})
		}
		if c.Persist[unix.CLONE_NEWPID] != "" || c.Persist[unix.CLONE_NEWTIME] != "" {
			add(pause(PersistForChildren, "pause: nstool bind-mounts /proc/PID/ns/pid_for_children, time_for_children"))
		}
	}
	if c.KillChild != 0 {
		add(syscallStep(fmt.Sprintf("prctl(PR_SET_PDEATHSIG, %s)", sysfmt.SignalName(c.KillChild)), "prctl failed",
			unix.SYS_PRCTL, unix.PR_SET_PDEATHSIG, uintptr(c.KillChild)))
	}
	if c.MapUser >= 0 {
		add(writeStep("/proc/self/uid_map", fmt.Sprintf("%d %d 1", c.MapUser, c.RealUID),
			"write failed /proc/self/uid_map", false))
	}
	if c.MapGroup >= 0 {
		// Since Linux 3.19 an unprivileged gid_map needs setgroups denied
		// first (user_namespaces(7)).
		add(writeStep("/proc/self/setgroups", "deny", "write failed /proc/self/setgroups", true))
		add(writeStep("/proc/self/gid_map", fmt.Sprintf("%d %d 1", c.MapGroup, c.RealGID),
			"write failed /proc/self/gid_map", false))
	}
	if c.Setgroups != "" {
		add(writeStep("/proc/self/setgroups", c.Setgroups, "write failed /proc/self/setgroups", true))
	}
	if c.Flags&unix.CLONE_NEWNS != 0 && c.Propagation != 0 {
		add(mountStep(mountsys.Call{Op: "mount", Source: "none", Target: "/", Flags: c.Propagation},
			"cannot change root filesystem propagation"))
	}
	wd := c.Wd
	if c.Root != nil {
		add(pathStep("chroot", unix.SYS_CHROOT, *c.Root, errChroot))
		if wd == nil {
			slash := "/"
			wd = &slash
		}
	}
	if wd != nil {
		add(pathStep("chdir", unix.SYS_CHDIR, *wd, errChdir))
	}
	if c.MountProc != "" {
		// With the default propagation the recursive change of / already
		// made an existing proc mount private; otherwise the new proc must
		// not propagate back to the parent namespace.
		if c.Root == nil && c.Propagation != mountopt.PropagationPrivate {
			s := mountStep(mountsys.Call{Op: "mount", Source: "none", Target: c.MountProc, Flags: unix.MS_PRIVATE | unix.MS_REC},
				fmt.Sprintf("cannot change %s filesystem propagation", c.MountProc))
			s.IgnoreErrno = syscall.EINVAL // nothing mounted there yet
			add(s)
		}
		add(mountStep(mountsys.Call{Op: "mount", Source: "proc", Target: c.MountProc, FSType: "proc",
			Flags: unix.MS_NOSUID | unix.MS_NOEXEC | unix.MS_NODEV}, fmt.Sprintf("mount %s failed", c.MountProc)))
	}
	if c.SetGID >= 0 {
		add(syscallStep("setgroups(0, NULL)", "setgroups failed", unix.SYS_SETGROUPS, 0, 0))
		add(syscallStep(fmt.Sprintf("setgid(%d)", c.SetGID), "setgid failed", unix.SYS_SETGID, uintptr(c.SetGID)))
	}
	if c.SetUID >= 0 {
		add(syscallStep(fmt.Sprintf("setuid(%d)", c.SetUID), "setuid failed", unix.SYS_SETUID, uintptr(c.SetUID)))
	}
	if c.KeepCaps && c.Flags&unix.CLONE_NEWUSER != 0 {
		add(Step{Kind: StepKeepCaps, Err: "capset failed", Args: [6]uintptr{lastCap()},
			Text: "capget(); inheritable = permitted; capset(); prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP) for each effective CAP"})
	}
	return sp
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

// syscallStep is one raw system call with integer arguments.
func syscallStep(text, errMsg string, trap uintptr, args ...uintptr) Step {
	s := Step{Kind: StepSyscall, Text: text, Err: errMsg, Trap: trap}
	copy(s.Args[:], args)
	return s
}

// unshare's messages for --root and --wd: Step.message fills in the %s
// with the step's Path.
const (
	errChroot = "cannot change root directory to '%s'"
	errChdir  = "cannot chdir to '%s'"
)

// pathStep is chroot(path), chdir(path) and the like.
func pathStep(name string, trap uintptr, path, errMsg string) Step {
	s := Step{Kind: StepSyscall, Text: fmt.Sprintf("%s(%s)", name, strconv.Quote(path)), Err: errMsg, Trap: trap, Path: path}
	s.Args[0] = s.CString(path)
	return s
}

// writeStep writes data to a /proc file.
func writeStep(path, data, errMsg string, ignoreENOENT bool) Step {
	return Step{Kind: StepWriteFile, Text: fmt.Sprintf("write(%s, %s)", strconv.Quote(path), strconv.Quote(data)),
		Err: errMsg, Path: path, Data: data, IgnoreENOENT: ignoreENOENT}
}

// mountStep is a mount(2) shown as MountCall renders it.
func mountStep(c mountsys.Call, errMsg string) Step {
	s := Step{Kind: StepSyscall, Text: c.String(), Err: errMsg, Trap: unix.SYS_MOUNT}
	cstr := func(v string) uintptr {
		if v == "" {
			return 0
		}
		return s.CString(v)
	}
	s.Args = [6]uintptr{cstr(c.Source), cstr(c.Target), cstr(c.FSType), c.Flags, cstr(c.Data)}
	return s
}
