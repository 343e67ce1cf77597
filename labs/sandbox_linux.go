package labs

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"syscall"
)

// The sandbox, seen from the host:
//
//	Run                    (P0, on the host; one OS thread locked)
//	└─ the Init stage      PID 1 of a new PID namespace, in a new mount
//	   │                   namespace (and a user namespace if rootless);
//	   │                   Pdeathsig=SIGKILL bound to P0's locked thread
//	   └─ Supervise        runs the setup, then the learner's shell (start),
//	      │                the reference solution (verify) or the demo
//	      └─ actors, shells, ...   all in the new PID namespace
//
// Each stage is the nstool binary started again, with the command line
// that the command's Stages give it.
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
	From    int  // start: begin at this step (0-based), the earlier ones redone (resume_linux.go)
	Color   bool // the learner's terminal takes colour
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Stages  Stages // how to start the sandbox's stages

	ready *os.File // nobody's side of a rootless lab: root's ready socket (RunForParent)
}

// Outcome is how a sandbox run ended.
type Outcome struct {
	Code  int    // the sandbox's exit status (verify: 0 only if every step passed)
	State *State // the last state the sandbox wrote (nil if it died before it wrote one)
}

const envRootlessDone = "NSTOOL_LAB_ROOTLESS"

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
	// The ready socket: init sends the sandbox's state directory on it
	// (statedir_linux.go). Run as nobody for root (runAsNobody), the write
	// end is root's, handed over: root's side keeps the state.
	readyR, readyW := (*os.File)(nil), opts.ready
	if readyW == nil {
		var err error
		if readyR, readyW, err = readySocket(); err != nil {
			return Outcome{}, err
		}
		defer readyR.Close()
	}
	cmd := &exec.Cmd{
		// /proc/self/exe is resolved by the child: the very binary running,
		// wherever it came from (a memfd when run as nobody, see runAsNobody).
		Path:       "/proc/self/exe",
		Args:       opts.Stages.Init(opts.Mode, opts.NoPause),
		ExtraFiles: []*os.File{readyW}, // fd 3: "ready" (a socket); fd 4: the lab (runStage)
		Env:        append(os.Environ(), handoverEnv(opts)...),
	}
	// Cloneflags, not Unshareflags: Go's Unshareflags would remount / private
	// for us and cannot make a PID namespace (DESIGN.md); init does its own
	// mounts.
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID,
		Pdeathsig:  syscall.SIGKILL,
	}
	if userns {
		asRootOfNewUserNS(cmd.SysProcAttr)
	}
	out, err := runStage(cmd, opts, readyR, readyW)
	if err != nil {
		if userns && os.Geteuid() != 0 {
			return Outcome{}, fmt.Errorf("starting the sandbox in a user namespace: %w (this system may not allow unprivileged user namespaces: run the lab as root)", err)
		}
		return Outcome{}, fmt.Errorf("starting the sandbox: %w", err)
	}
	if out.Code == SetupFailedStatus {
		return out, fmt.Errorf("lab %s: %w", opts.Lab.ID, ErrSetupFailed)
	}
	return out, nil
}

// runStage starts cmd, the sandbox's init (Run) or nobody's side of it
// (runAsNobody), on opts' terminal with the lab on a pipe at fd 4 (after
// the caller's fd 3), and waits for it to end. readyW, the ready socket's
// write end that cmd inherits, is closed here, so that readyR sees its end
// once the sandbox's processes are gone.
func runStage(cmd *exec.Cmd, opts RunOptions, readyR, readyW *os.File) (Outcome, error) {
	lab, err := newLabPipe(opts.Lab)
	if err != nil {
		readyW.Close()
		return Outcome{}, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = opts.Stdin, opts.Stdout, opts.Stderr
	cmd.ExtraFiles = slices.Insert(cmd.ExtraFiles, 1, lab.r)
	// Pdeathsig follows the thread that forked the child, not the process:
	// keep this goroutine on one thread until the sandbox has ended.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = lab.start(cmd)
	readyW.Close()
	if err != nil {
		return Outcome{}, err
	}
	return waitSandbox(cmd, readyR), nil
}

// handoverEnv is what a sandbox (or nobody's side of one, runAsNobody) is
// told by the environment: the terminal's colour, who started it, and the
// step to go on from.
func handoverEnv(opts RunOptions) []string {
	return []string{colorEnv(opts.Color), startedBy(), envFrom + "=" + strconv.Itoa(opts.From)}
}

// waitSandbox waits for cmd, the sandbox (or nobody's side of it), to end,
// and reads its last state from the state directory that comes on readyR
// (nil: someone else reads it).
func waitSandbox(cmd *exec.Cmd, readyR *os.File) Outcome {
	// Hold the sandbox's state directory open (init sends it, see
	// statedir_linux.go): its tmpfs stays readable after the sandbox ends,
	// so the final state (progress, who ended it) is still there to read.
	var stateDir *os.File
	received := make(chan struct{})
	go func() {
		defer close(received)
		if readyR != nil {
			stateDir = receiveStateDir(readyR)
		}
	}()
	werr := cmd.Wait()
	// The sandbox's processes are gone, and with them every writer of the
	// socket: the reader sees its end.
	<-received
	out := Outcome{Code: exitCode(cmd.ProcessState, werr)}
	if stateDir != nil {
		defer stateDir.Close()
		out.State, _ = readStateFile(fmt.Sprintf("/proc/self/fd/%d/state.json", stateDir.Fd()))
	}
	return out
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
