package labs

import (
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
func StartActor(stages Stages, name, propagation string, userns bool) error {
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
		Args:       stages.Actor(name, propagation),
		ExtraFiles: []*os.File{w},
		Dir:        "/",
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS, Setsid: true}
	if userns {
		// A user namespace owned by the sandbox's root: the actor's copies
		// of the mounts become locked (mount_namespaces(7)).
		asRootOfNewUserNS(cmd.SysProcAttr)
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

// ActorMain is the actor stage: it applies the propagation, records itself
// in the sandbox's state and lives until the sandbox ends. A failure is
// reported to StartActor, on fd 3, and returned.
func ActorMain(name, propagation string) error {
	report := os.NewFile(3, "report")
	fail := func(err error) error {
		report.WriteString(err.Error())
		return err
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
		env = append(env, EnvSecond+"=1")
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

// asRootOfNewUserNS makes the child in a new user namespace, where it is
// root mapped to this process's effective UID and GID (user_namespaces(7)).
// setgroups(2) is denied there, as the kernel requires of a GID map that an
// unprivileged process writes.
func asRootOfNewUserNS(attr *syscall.SysProcAttr) {
	attr.Cloneflags |= syscall.CLONE_NEWUSER
	attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
	attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
	attr.GidMappingsEnableSetgroups = false
}
