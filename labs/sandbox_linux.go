package labs

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The sandbox, seen from the host:
//
//	nstool lab start|verify|demo   (P0, on the host; one OS thread locked)
//	└─ nstool lab __init           PID 1 of a new PID namespace, in a new mount
//	   │                           namespace (and a user namespace if rootless);
//	   │                           Pdeathsig=SIGKILL bound to P0's locked thread
//	   └─ nstool lab __supervise   runs the setup, then the learner's shell (start),
//	      │                        the reference solution (verify) or the demo
//	      └─ actors, shells, ...   all in the new PID namespace
//
// Nothing can outlive it: when P0 dies, even by SIGKILL, the kernel sends
// SIGKILL to init (prctl(2) PR_SET_PDEATHSIG); when a PID namespace's init
// dies the kernel kills every process in it (pid_namespaces(7)); a mount
// namespace, with every mount in it, goes away with its last process
// (mount_namespaces(7)). The sandbox's state lives on its own tmpfs. The
// only thing on the host is the progress file, written atomically.

// Mode is what the sandbox does once set up.
type Mode string

const (
	ModeStart  Mode = "start"  // an interactive shell for the learner
	ModeVerify Mode = "verify" // run the reference solution, check every step
	ModeDemo   Mode = "demo"   // show and run each step, for a projector
)

// RunOptions configure one sandbox run.
type RunOptions struct {
	Lab     *Lab
	Mode    Mode
	NoPause bool // demo: do not wait for Enter between steps
	Color   bool // the learner's terminal takes colour
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
}

// Outcome is how a sandbox run ended.
type Outcome struct {
	Code  int    // the sandbox's exit status (verify: 0 only if every step passed)
	State *State // the last state the sandbox wrote (nil if it never got ready)
}

const (
	envRootlessDone = "NSTOOL_LAB_ROOTLESS"
	exitSetupFailed = 70
)

// envStartedBy holds the UID of the user who started a sandbox, in its
// init's environment: `lab reset` ends the caller's own sandboxes only.
// A rootless lab run as root starts as nobody: it keeps root's UID.
const envStartedBy = "NSTOOL_LAB_STARTED_BY"

func startedBy() string {
	if v := os.Getenv(envStartedBy); v != "" {
		return envStartedBy + "=" + v
	}
	return envStartedBy + "=" + strconv.Itoa(os.Getuid())
}

// Run starts a sandbox for opts.Lab and waits for it to end. As root the
// sandbox is made with root's privileges, unless the lab says rootless; as
// any other user, or for a rootless lab, it is made in a user namespace.
func Run(opts RunOptions) (Outcome, error) {
	if opts.Lab.Rootless && os.Geteuid() == 0 && os.Getenv(envRootlessDone) == "" {
		return runAsNobody(opts)
	}
	// Without root, every lab runs in a user namespace: the learner is root
	// there, over the sandbox's mounts only (user_namespaces(7)).
	userns := opts.Lab.Rootless || os.Geteuid() != 0
	labJSON, err := json.Marshal(opts.Lab)
	if err != nil {
		return Outcome{}, err
	}
	readyR, readyW, err := os.Pipe()
	if err != nil {
		return Outcome{}, err
	}
	defer readyR.Close()
	labR, labW, err := os.Pipe()
	if err != nil {
		return Outcome{}, err
	}
	args := []string{"nstool", "lab", "__init", string(opts.Mode)}
	if opts.NoPause {
		args = append(args, "--no-pause")
	}
	cmd := &exec.Cmd{
		// /proc/self/exe is resolved by the child: the very binary running,
		// wherever it came from (a memfd when run as nobody, see runAsNobody).
		Path:       "/proc/self/exe",
		Args:       args,
		Stdin:      opts.Stdin,
		Stdout:     opts.Stdout,
		Stderr:     opts.Stderr,
		ExtraFiles: []*os.File{readyW, labR}, // fd 3: "ready"; fd 4: the lab as JSON
		Env:        append(os.Environ(), EnvColor+"="+map[bool]string{true: "1", false: "0"}[opts.Color], startedBy()),
	}
	// Cloneflags, not Unshareflags: Go's Unshareflags would remount / private
	// for us and cannot make a PID namespace (DESIGN.md); init does its own
	// mounts.
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID,
		Pdeathsig:  syscall.SIGKILL,
	}
	if userns {
		cmd.SysProcAttr.Cloneflags |= syscall.CLONE_NEWUSER
		cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
		cmd.SysProcAttr.GidMappingsEnableSetgroups = false
	}

	// Pdeathsig follows the thread that forked the child, not the process:
	// keep this goroutine on one thread until the sandbox has ended.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		readyW.Close()
		labR.Close()
		labW.Close()
		if userns && os.Geteuid() != 0 {
			return Outcome{}, fmt.Errorf("starting the sandbox in a user namespace: %w (this system may not allow unprivileged user namespaces: run the lab as root)", err)
		}
		return Outcome{}, fmt.Errorf("starting the sandbox: %w", err)
	}
	readyW.Close()
	labR.Close()
	go func() { labW.Write(labJSON); labW.Close() }()

	// Once the sandbox is ready, hold its state directory open: its tmpfs
	// stays readable after the sandbox ends, so the final state (progress)
	// is still there to read. The fd dies with this process.
	var stateDir *os.File
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		if b, _ := io.ReadAll(readyR); len(b) > 0 {
			stateDir, _ = os.OpenFile(fmt.Sprintf("/proc/%d/root%s", cmd.Process.Pid, SandboxDir), unix.O_PATH|unix.O_DIRECTORY, 0)
		}
	}()
	werr := cmd.Wait()
	<-ready
	out := Outcome{Code: exitCode(cmd.ProcessState, werr)}
	if stateDir != nil {
		defer stateDir.Close()
		out.State, _ = readStateFile(fmt.Sprintf("/proc/self/fd/%d/state.json", stateDir.Fd()))
	}
	if out.Code == exitSetupFailed {
		return out, fmt.Errorf("lab %s: its setup failed (output above)", opts.Lab.ID)
	}
	return out, nil
}

func exitCode(ps *os.ProcessState, err error) int {
	if ps == nil {
		return 1
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	if err != nil && ps.ExitCode() <= 0 {
		return 1
	}
	return ps.ExitCode()
}

// runAsNobody runs the same nstool command as uid/gid 65534, so that root
// (CI) runs a rootless lab the way a student without privileges does. The
// binary is handed over as a memfd: the unprivileged user may not be able to
// reach its path.
func runAsNobody(opts RunOptions) (Outcome, error) {
	self, err := os.Open("/proc/self/exe")
	if err != nil {
		return Outcome{}, err
	}
	defer self.Close()
	fd, err := unix.MemfdCreate("nstool", 0)
	if err != nil {
		return Outcome{}, err
	}
	mem := os.NewFile(uintptr(fd), "nstool")
	defer mem.Close()
	if _, err := io.Copy(mem, self); err != nil {
		return Outcome{}, err
	}
	labJSON, err := json.Marshal(opts.Lab)
	if err != nil {
		return Outcome{}, err
	}
	labR, labW, err := os.Pipe()
	if err != nil {
		return Outcome{}, err
	}
	args := []string{"nstool", "lab", "__run", string(opts.Mode)}
	if opts.NoPause {
		args = append(args, "--no-pause")
	}
	cmd := &exec.Cmd{
		Path:       "/proc/self/fd/3", // resolved in the child, where fd 3 is the memfd
		Args:       args,
		Stdin:      opts.Stdin,
		Stdout:     opts.Stdout,
		Stderr:     opts.Stderr,
		ExtraFiles: []*os.File{mem, labR}, // fd 3: the binary; fd 4: the lab
		Env:        append(os.Environ(), envRootlessDone+"=1", "HOME=/nonexistent"),
		Dir:        "/",
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}},
		Pdeathsig:  syscall.SIGKILL,
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = cmd.Start()
	labR.Close()
	if err != nil {
		labW.Close()
		return Outcome{}, fmt.Errorf("running as nobody: %w", err)
	}
	go func() { labW.Write(labJSON); labW.Close() }()
	werr := cmd.Wait()
	return Outcome{Code: exitCode(cmd.ProcessState, werr)}, nil
}

// RunFromParent is the unprivileged side of runAsNobody (`nstool lab __run
// MODE`): the lab arrives as JSON on fd 4.
func RunFromParent(mode Mode, noPause bool) int {
	var lab Lab
	if err := json.NewDecoder(os.NewFile(4, "lab")).Decode(&lab); err != nil {
		fmt.Fprintf(os.Stderr, "nstool lab: %v\n", err)
		return 1
	}
	out, err := Run(RunOptions{Lab: &lab, Mode: mode, NoPause: noPause, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	if err != nil {
		fmt.Fprintf(os.Stderr, "nstool lab: %v\n", err)
		if out.Code == 0 {
			out.Code = 1
		}
	}
	return out.Code
}

// Init is PID 1 of the sandbox (`nstool lab __init MODE`): it builds the
// sandbox's root, starts the supervisor and reaps every orphan until the
// supervisor ends, then exits with its status, which ends the sandbox.
func Init(mode string, noPause bool) int {
	fail := func(err error) int {
		fmt.Fprintf(os.Stderr, "nstool lab: sandbox: %v\n", err)
		return 1
	}
	// fd 4 carries the lab, as JSON, from the host side.
	labFile := os.NewFile(4, "lab")
	labJSON, err := io.ReadAll(labFile)
	labFile.Close()
	if err != nil {
		return fail(err)
	}
	var lab Lab
	if err := json.Unmarshal(labJSON, &lab); err != nil {
		return fail(err)
	}
	if err := buildRoot(); err != nil {
		return fail(err)
	}
	if err := os.WriteFile(SandboxDir+"/lab.json", labJSON, 0o644); err != nil {
		return fail(err)
	}
	if err := writeState(&State{Lab: lab.ID, Actors: map[string]int{"host": 1}}); err != nil {
		return fail(err)
	}

	args := []string{"nstool", "lab", "__supervise", mode}
	if noPause {
		args = append(args, "--no-pause")
	}
	ready := os.NewFile(3, "ready")
	sup := &exec.Cmd{
		Path: SandboxDir + "/bin/nstool", Args: args,
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		ExtraFiles: []*os.File{ready},
		Env:        sandboxEnv(),
		Dir:        LabDir,
	}
	if err := sup.Start(); err != nil {
		return fail(err)
	}
	ready.Close()
	// A PID namespace's init inherits every orphan: reap them all, and end
	// when the supervisor does. Signals sent from inside the namespace reach
	// init only if it has a handler (pid_namespaces(7)); it has none.
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fail(err)
		}
		if pid == sup.Process.Pid {
			if ws.Signaled() {
				return 128 + int(ws.Signal())
			}
			return ws.ExitStatus()
		}
	}
}

// sandboxEnv is the environment of everything in the sandbox: nstool first
// on PATH, and $SHELL a lab shell, so that `unshare -m` with no command
// gives a shell with the lab's prompt.
func sandboxEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "PATH", "SHELL", "PS1", "PROMPT_COMMAND", "ENV", "BASH_ENV", "OLDPWD", "PWD":
			continue
		}
		env = append(env, kv)
	}
	path := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	return append(env, "PATH="+SandboxDir+"/bin:"+path, "SHELL="+SandboxDir+"/bin/labsh", "NSTOOL_LAB=1")
}
