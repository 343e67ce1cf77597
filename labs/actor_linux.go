package labs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// Propagations an actor's copy of the mount table can start with, as
// unshare(1) --propagation names them.
var actorPropagation = map[string]bool{"private": true, "slave": true, "shared": true, "unchanged": true}

// envActor names an actor in its own environment: in an actor's PID
// namespace /proc/1 is the actor, and the prompt reads its name there.
const envActor = "NSTOOL_LAB_ACTOR"

// actorOfPID1 is the name of the actor that is PID 1 of the caller's PID
// namespace, or "" (PID 1 is the sandbox's init).
func actorOfPID1() string {
	env, _ := os.ReadFile("/proc/1/environ")
	for _, kv := range strings.Split(string(env), "\x00") {
		if v, ok := strings.CutPrefix(kv, envActor+"="); ok {
			return v
		}
	}
	return ""
}

// An Actor is what `nstool lab actor NAME` starts: a long-lived process
// in a new mount namespace, copied from the caller's, made as a container
// runtime makes a container, one option each.
type Actor struct {
	Name string
	// Propagation is applied to every mount of the copy (unshare(1)
	// --propagation): private, slave, shared or unchanged.
	Propagation string
	User        bool // a new user namespace: the copies of the mounts are locked
	PID         bool // a new PID namespace: the actor is its PID 1
	UTS         bool // a new UTS namespace, whose hostname is Name
	// Rootfs is the directory the actor pivots into (pivot_root(2)), "" to
	// keep the sandbox's root.
	Rootfs  string
	Volumes []Volume // bound into the actor's root, as docker run -v
}

// ActorStage is what the actor's own process (ActorMain) is told: the
// namespaces are already made (StartActor clones it into them).
type ActorStage struct {
	Name string
	// Root is the propagation given to the copy of the mount table, in
	// Docker's words (rprivate, rslave, rshared, shared) or "unchanged":
	// the actor's --propagation, changed as Docker changes it for volumes.
	Root     string
	Hostname bool // set the UTS namespace's hostname to Name
	Rootfs   string
	Volumes  []Volume
}

// actorName is what an actor may be called.
var actorName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`) })

// StartActor starts a named actor and returns once the actor is made and
// recorded in the sandbox's state; the actor lives until the sandbox ends.
// Volumes are refused here, in the caller's mount namespace (the runtime's),
// as Docker's daemon refuses them in its own (checkSource).
func StartActor(stages Stages, a Actor) error {
	if _, ok := actorPropagation[a.Propagation]; !ok {
		return fmt.Errorf("unsupported propagation %q (private, slave, shared or unchanged)", a.Propagation)
	}
	if !actorName().MatchString(a.Name) {
		// Checks name it as their first word; --uts makes it a hostname
		// (at most 64 bytes, sethostname(2)).
		return fmt.Errorf("actor name %q: a letter or digit, then letters, digits, '.', '_' or '-' (at most 64)", a.Name)
	}
	if a.Name == "host" || a.Name == "other" || a.Name == "answer" {
		return fmt.Errorf("%q is reserved: name the actor something else", a.Name)
	}
	st, err := ReadState()
	if err != nil {
		return err
	}
	if _, ok := st.Actors[a.Name]; ok {
		return fmt.Errorf("there is an actor %s already", a.Name)
	}
	stage := ActorStage{Name: a.Name, Root: rootPropagation(a.Propagation, a.Volumes), Hostname: a.UTS, Volumes: a.Volumes}
	if a.Rootfs != "" {
		if stage.Rootfs, err = filepath.Abs(a.Rootfs); err != nil {
			return err
		}
		if fi, err := os.Stat(stage.Rootfs); err != nil || !fi.IsDir() {
			return fmt.Errorf("--rootfs %s: not a directory", a.Rootfs)
		}
	}
	if len(a.Volumes) > 0 {
		tab, err := mountinfo.Read(0)
		if err != nil {
			return err
		}
		for _, v := range a.Volumes {
			if err := v.checkSource(tab); err != nil {
				return err
			}
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	// The binary by its name, not /proc/self/exe: ps in the container shows
	// its PID 1 as nstool, not exe (comm is the name execve(2) was given).
	exe, err := os.Executable()
	if err != nil {
		exe = "/proc/self/exe"
	}
	cmd := &exec.Cmd{
		Path:       exe,
		Args:       stages.Actor(stage),
		ExtraFiles: []*os.File{w},
		Dir:        "/",
		Env:        append(os.Environ(), envActor+"="+a.Name),
	}
	// Cloneflags, not Unshareflags: Go would remount / private, and a
	// child cannot unshare a PID namespace for itself (DESIGN.md).
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS, Setsid: true}
	if a.PID {
		// The actor is PID 1 of the new namespace (pid_namespaces(7)); it
		// dies with the sandbox's init like every process below it.
		cmd.SysProcAttr.Cloneflags |= syscall.CLONE_NEWPID
	}
	if a.UTS {
		cmd.SysProcAttr.Cloneflags |= syscall.CLONE_NEWUTS
	}
	if a.User {
		// A user namespace owned by the sandbox's root: the actor's copies
		// of the mounts become locked (mount_namespaces(7)).
		asRootOfNewUserNS(cmd.SysProcAttr)
	}
	if err := cmd.Start(); err != nil {
		w.Close()
		return fmt.Errorf("starting actor %s: %w", a.Name, err)
	}
	w.Close()
	msg, _ := io.ReadAll(r)
	if string(msg) != actorReady {
		cmd.Process.Kill()
		cmd.Wait()
		if len(msg) == 0 {
			msg = []byte("it ended before it was ready")
		}
		return fmt.Errorf("actor %s: %s", a.Name, msg)
	}
	// The PID as the sandbox sees it: the actor's own getpid(2) is 1 in a
	// PID namespace of its own.
	if _, err := UpdateState(func(s *State) error {
		if s.Actors == nil {
			s.Actors = map[string]int{}
		}
		s.Actors[a.Name] = cmd.Process.Pid
		return nil
	}); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return err
	}
	// It now belongs to the sandbox's init, which reaps it.
	cmd.Process.Release()
	return nil
}

// actorReady is what an actor writes on fd 3 once it is made; anything else
// is why it failed.
const actorReady = "\x00"

// ActorMain is the actor stage, in its new namespaces: it makes the
// container (makeContainer), says so on fd 3, and lives until the
// sandbox ends, reaping what the shells entering it leave (it may be a PID
// namespace's init). A failure is reported on fd 3, and returned.
func ActorMain(a ActorStage) error {
	// Started by hand outside a sandbox, the stage would make its copy
	// and wait there for ever, a process no lab ends.
	if !InSandbox() {
		return errNotInSandbox
	}
	report := os.NewFile(3, "report")
	if err := makeContainer(a); err != nil {
		report.WriteString(err.Error())
		return err
	}
	report.WriteString(actorReady)
	report.Close()
	reapForever()
	return nil
}

// envFromHost marks the shell stage that `lab shell` on the host started
// inside the sandbox (runEntering); EnterActor reads it and passes it on
// to nothing.
const envFromHost = "NSTOOL_LAB_FROM_HOST"

// dieWithTheHostSide: the shell stage that `lab shell` on a terminal of
// the host started goes with it, should that be killed (even by SIGKILL),
// rather than live on in the lab until it ends (PR_SET_PDEATHSIG, kept
// across execve(2)). A parent outside the sandbox's PID namespace reads as
// PID 0 (getppid(2)); any other means it is gone already, and this stage
// was made init's child: then it ends here.
func dieWithTheHostSide() {
	if os.Getenv(envFromHost) == "" {
		return
	}
	os.Unsetenv(envFromHost)
	if unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0) == nil && os.Getppid() != 0 {
		os.Exit(128 + int(unix.SIGKILL))
	}
}

// EnterActor replaces this process with a shell (or argv) in actor name's
// namespaces and root; it runs inside the sandbox. An actor that has only a
// mount namespace of its own is entered here (setns(2)); one with more
// (user, PID, UTS) or a root of its own through nsenter (stages.EnterActor),
// which enters a user namespace from a single-threaded child and forks into
// a PID namespace, as setns(2) wants.
func EnterActor(stages Stages, name string, argv []string) error {
	dieWithTheHostSide()
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
	// The actors' PIDs are the sandbox's; in an actor with a PID namespace
	// of its own, /proc names other processes.
	if !stages.isInitPID("1") {
		return fmt.Errorf("this shell has a /proc of its own (a new PID namespace?), where the lab's processes are not seen: enter %s from the lab's first shell, or from a terminal on the host", name)
	}
	env := append(os.Environ(), "NSTOOL_LAB=1")
	nss := ownNamespaces(pid)
	_, noLabsh := os.Stat(fmt.Sprintf("/proc/%d/root%s/bin/labsh", pid, SandboxDir))
	if len(argv) == 0 {
		// A second terminal's shell: it is told of the next step and of
		// the lab's end (see EnvSecond).
		env = append(env, EnvSecond+"=1")
		argv = []string{SandboxDir + "/bin/labsh", "-i"}
		if noLabsh != nil {
			// A root of its own (--rootfs): its own shell.
			argv = []string{"/bin/sh", "-i"}
			if _, err := os.Stat(fmt.Sprintf("/proc/%d/root/bin/bash", pid)); err == nil {
				argv = []string{"/bin/bash", "-i"}
			}
		}
	}
	if len(nss) > 1 || noLabsh != nil {
		args := stages.EnterActor(pid, nss, argv)
		return syscall.Exec(SandboxDir+"/bin/nstool", args, env)
	}
	runtime.LockOSThread()
	if err := setnsMount(pid); err != nil {
		return fmt.Errorf("entering %s's mount namespace: %w", name, err)
	}
	if err := os.Chdir(LabDir); err != nil {
		os.Chdir("/")
	}
	if argv[0] == SandboxDir+"/bin/labsh" {
		return syscall.Exec(argv[0], []string{"bash", "-i"}, env)
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		// Not found in $PATH, or the stat(2) of a path: the reason alone.
		var ee *exec.Error
		var pe *os.PathError
		if errors.As(err, &ee) && errors.Is(ee.Err, exec.ErrNotFound) {
			err = syscall.ENOENT
		} else if errors.As(err, &pe) {
			err = pe.Err
		}
		return &ExecError{Path: argv[0], Err: err}
	}
	if err := syscall.Exec(path, argv, env); err != nil {
		return &ExecError{Path: argv[0], Err: err}
	}
	return nil
}

// ownNamespaces names the namespaces of pid that are not this process's,
// as /proc/PID/ns names them: user, mnt, uts, pid.
func ownNamespaces(pid int) []string {
	var out []string
	for _, ns := range []string{"user", "mnt", "uts", "pid"} {
		theirs, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, ns))
		ours, _ := os.Readlink("/proc/self/ns/" + ns)
		if err == nil && theirs != ours {
			out = append(out, ns)
		}
	}
	return out
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
