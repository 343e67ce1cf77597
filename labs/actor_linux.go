package labs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Propagations an actor's copy of the mount table can start with, as
// unshare(1) --propagation names them.
var actorPropagation = map[string]uintptr{
	"private":   unix.MS_REC | unix.MS_PRIVATE,
	"slave":     unix.MS_REC | unix.MS_SLAVE,
	"shared":    unix.MS_REC | unix.MS_SHARED,
	"unchanged": 0,
}

// StartActor starts a named actor (`nstool lab actor NAME`): a long-lived
// process in a new mount namespace, copied from the caller's, with the given
// propagation applied to every mount, as a container runtime does. It
// returns once the actor is recorded in the sandbox's state; the actor lives
// until the sandbox ends.
func StartActor(name, propagation string, userns bool) error {
	if _, ok := actorPropagation[propagation]; !ok {
		return fmt.Errorf("unsupported propagation %q (private, slave, shared or unchanged)", propagation)
	}
	if name == "host" || name == "other" || name == "answer" {
		return fmt.Errorf("%q is reserved: name the actor something else", name)
	}
	if _, err := ReadState(); err != nil {
		return err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	cmd := &exec.Cmd{
		Path:       "/proc/self/exe",
		Args:       []string{"nstool", "lab", "__actor", name, propagation},
		ExtraFiles: []*os.File{w},
		Dir:        "/",
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS, Setsid: true}
	if userns {
		// A user namespace owned by the sandbox's root: the actor's copies
		// of the mounts become locked (mount_namespaces(7)).
		cmd.SysProcAttr.Cloneflags |= syscall.CLONE_NEWUSER
		cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
	}
	if err := cmd.Start(); err != nil {
		w.Close()
		return fmt.Errorf("starting actor %s: %w", name, err)
	}
	w.Close()
	msg, _ := io.ReadAll(r)
	if len(msg) > 0 {
		return fmt.Errorf("actor %s: %s", name, msg)
	}
	// The actor is recorded once it closed the pipe; it now belongs to the
	// sandbox's init, which reaps it.
	cmd.Process.Release()
	return nil
}

// ActorMain is the actor process (`nstool lab __actor NAME PROPAGATION`).
func ActorMain(name, propagation string) int {
	report := os.NewFile(3, "report")
	fail := func(err error) int {
		fmt.Fprint(report, err.Error())
		return 1
	}
	if flags := actorPropagation[propagation]; flags != 0 {
		if err := unix.Mount("none", "/", "", flags, ""); err != nil {
			return fail(fmt.Errorf("making its mounts %s: %w", propagation, err))
		}
	}
	if _, err := UpdateState(func(s *State) error {
		if s.Actors == nil {
			s.Actors = map[string]int{}
		}
		s.Actors[name] = os.Getpid()
		return nil
	}); err != nil {
		return fail(err)
	}
	report.Close()
	os.Chdir("/")
	for {
		unix.Pause()
	}
}

// EnterActor replaces this process with a shell (or argv) in the mount
// namespace of actor name; it runs inside the sandbox.
func EnterActor(name string, argv []string) error {
	st, err := ReadState()
	if err != nil {
		return err
	}
	pid, ok := st.Actors[name]
	if !ok {
		var names []string
		for n := range st.Actors {
			names = append(names, n)
		}
		sort.Strings(names)
		return fmt.Errorf("no actor %q in this lab (actors: %s)", name, strings.Join(names, ", "))
	}
	runtime.LockOSThread()
	if err := setnsMount(pid); err != nil {
		return fmt.Errorf("entering %s's mount namespace: %w", name, err)
	}
	if err := os.Chdir(LabDir); err != nil {
		os.Chdir("/")
	}
	env := append(os.Environ(), "NSTOOL_LAB=1")
	if len(argv) == 0 {
		return syscall.Exec(SandboxDir+"/bin/labsh", []string{"bash", "-i"}, env)
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return err
	}
	return syscall.Exec(path, argv, env)
}

// setnsMount moves the calling (locked) thread into pid's mount namespace.
// setns(2) refuses CLONE_NEWNS to a thread that shares its fs_struct, as
// every Go thread does: unshare(CLONE_FS) first.
func setnsMount(pid int) error {
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return err
	}
	fd, err := unix.Open("/proc/"+strconv.Itoa(pid)+"/ns/mnt", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return unix.Setns(fd, unix.CLONE_NEWNS)
}

// EnterSandbox runs `nstool lab shell NAME [CMD...]` inside the sandbox whose
// init is initPID, from the host: it joins the sandbox's mount and PID
// namespaces and runs the sandbox's own nstool there. A rootless sandbox
// needs its user namespace joined first, which a multithreaded Go process
// cannot do (setns(2)): `nstool nsenter` does it from a single-threaded child.
func EnterSandbox(initPID int, name string, argv []string, stdin, stdout, stderr *os.File) (int, error) {
	inner := append([]string{"lab", "shell", name}, argv...)
	if len(argv) > 0 {
		inner = append([]string{"lab", "shell", name, "--"}, argv...)
	}
	var cmd *exec.Cmd
	ownUserNS, _ := os.Readlink("/proc/self/ns/user")
	theirs, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/user", initPID))
	if ownUserNS != theirs {
		// nstool's own nsenter joins the user namespace from a
		// single-threaded child (nsutil's spawn engine).
		args := []string{"nsenter", "-t", strconv.Itoa(initPID), "-U", "-m", "-p"}
		if os.Geteuid() != 0 {
			// The user who started a rootless lab: its UID is the one the
			// sandbox maps to 0, so keeping it makes the shell root inside.
			// Without this, nsenter calls setgroups(2), which an
			// unprivileged caller may not do, nor may anyone inside a user
			// namespace whose setgroups file says deny
			// (user_namespaces(7)): util-linux nsenter fails the same way.
			args = append(args, "--preserve-credentials")
		}
		args = append(append(args, SandboxDir+"/bin/nstool"), inner...)
		cmd = exec.Command("/proc/self/exe", args...)
	} else {
		// Open both namespaces first: once in the sandbox's mount namespace,
		// /proc is the sandbox's and the host's PIDs mean nothing there.
		pidns, err := os.Open(fmt.Sprintf("/proc/%d/ns/pid", initPID))
		if err != nil {
			return 1, err
		}
		defer pidns.Close()
		runtime.LockOSThread()
		// This thread stays in the sandbox's namespaces; it is never unlocked,
		// so Go retires it when the goroutine ends.
		if err := setnsMount(initPID); err != nil {
			return 1, fmt.Errorf("entering the sandbox: %w", err)
		}
		// setns(2) CLONE_NEWPID: the children of this thread are born in the
		// sandbox's PID namespace.
		if err := unix.Setns(int(pidns.Fd()), unix.CLONE_NEWPID); err != nil {
			return 1, fmt.Errorf("entering the sandbox's PID namespace: %w", err)
		}
		cmd = &exec.Cmd{Path: SandboxDir + "/bin/nstool", Args: append([]string{"nstool"}, inner...)}
		// No Pdeathsig: Go's child checks getppid(2) after setting it, and a
		// parent in another PID namespace reads as 0, so the child would
		// kill itself. The shell lives in the sandbox and dies with it.
	}
	// Either way the shell gets the sandbox's environment (its nstool first
	// in PATH), not the host terminal's.
	cmd.Env = sandboxEnv()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	err := cmd.Run()
	return exitCode(cmd.ProcessState, err), nil
}

// ProbeLocked tells whether the mount at path in pid's mount namespace is
// locked: mountinfo has no marker for it, so a helper process asks the
// kernel to unmount it (see ProbeMain).
func ProbeLocked(pid int, path string) (bool, error) { return probe("umount", pid, path) }

// ProbeUnbindable tells whether the kernel refuses a bind of the mount at
// path in pid's mount namespace.
func ProbeUnbindable(pid int, path string) (bool, error) { return probe("bind", pid, path) }

// ProbeBinary is the nstool that runs the probes: this one (tests set it).
var ProbeBinary = "/proc/self/exe"

func probe(kind string, pid int, path string) (bool, error) {
	out, err := exec.Command(ProbeBinary, "lab", "__probe", kind, strconv.Itoa(pid), path).CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return false, nil
	case errors.As(err, &ee) && ee.ExitCode() == 3:
		return true, nil
	}
	return false, fmt.Errorf("%v: %s", err, out)
}

// ProbeMain is the helper (`nstool lab __probe umount|bind PID PATH`), in
// pid's mount namespace; it changes nothing there. Exit 3 when the kernel
// refuses with EINVAL, 0 when it would allow it.
//
// umount: umount2(2) MNT_EXPIRE. The kernel tests for a locked mount first
// (EINVAL); an unlocked one is only marked as expired (EAGAIN), not
// unmounted, and the probe then uses it, which clears the mark.
//
// bind: open_tree(2) OPEN_TREE_CLONE makes a detached copy, as a bind mount
// would, without attaching it anywhere: EINVAL for an unbindable mount.
func ProbeMain(kind string, pid int, path string) int {
	runtime.LockOSThread()
	if err := setnsMount(pid); err != nil {
		fmt.Fprintf(os.Stderr, "setns: %v\n", err)
		return 1
	}
	var err error
	switch kind {
	case "umount":
		err = unix.Unmount(path, unix.MNT_EXPIRE)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EBUSY) {
			// The mount is now marked as expired: a second MNT_EXPIRE would
			// unmount it. Using it clears the mark (mntput() in
			// fs/namespace.c): open and close it.
			if fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0); err == nil {
				unix.Close(fd)
			}
			err = nil
		}
	case "bind":
		var fd int
		fd, err = unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
		if err == nil {
			unix.Close(fd)
		}
	default:
		fmt.Fprintf(os.Stderr, "unknown probe %q\n", kind)
		return 1
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, unix.EINVAL):
		return 3
	}
	fmt.Fprintf(os.Stderr, "%s %s: %v\n", kind, path, err)
	return 1
}
