package labs

import (
	"bufio"
	"encoding/json"
	"errors"
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
		Env:        append(os.Environ(), EnvColor+"="+map[bool]string{true: "1", false: "0"}[opts.Color]),
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

// buildRoot gives the sandbox a root of its own: a tmpfs holding a
// recursive bind of each of the host's top-level directories, a fresh
// /proc for the new PID namespace, a fresh /tmp, the lab's work area /lab
// and the engine's /.nstool. Nothing is created on the host's filesystems.
func buildRoot() error {
	exe, err := os.Open("/proc/self/exe")
	if err != nil {
		return err
	}
	defer exe.Close()
	// Make every mount we inherited private first, so that nothing below
	// propagates back to the host, whatever the host's / is
	// (mount_namespaces(7): a copied shared mount stays in its peer group).
	if err := unix.Mount("none", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making / private: %w", err)
	}
	// /tmp exists everywhere: the new root is staged on a tmpfs there.
	const newRoot = "/tmp"
	if err := unix.Mount("nstool-lab-root", newRoot, "tmpfs", 0, "mode=0755,size=64m"); err != nil {
		return fmt.Errorf("mounting the sandbox root: %w", err)
	}
	ents, err := os.ReadDir("/")
	if err != nil {
		return err
	}
	for _, e := range ents {
		name := e.Name()
		src, dst := "/"+name, newRoot+"/"+name
		switch {
		case name == "tmp" || name == "proc" || name == "lab" || name == ".nstool":
			continue
		case e.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(src)
			if err == nil {
				_ = os.Symlink(target, dst)
			}
		case e.IsDir():
			if err := os.Mkdir(dst, 0o755); err != nil {
				return err
			}
			if err := unix.Mount(src, dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
				return fmt.Errorf("binding %s: %w", src, err)
			}
		}
	}
	for _, d := range []string{"proc", "tmp", "lab", ".nstool/bin"} {
		if err := os.MkdirAll(newRoot+"/"+d, 0o755); err != nil {
			return err
		}
	}
	os.Chmod(newRoot+"/tmp", 0o1777)
	// A fresh procfs for the new PID namespace: `ps` shows the lab's
	// processes only, with the PIDs checks use. Mounted while the host's
	// /proc is still visible (proc(5): a user namespace may only mount proc
	// where a full proc is already visible).
	if err := unix.Mount("proc", newRoot+"/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mounting /proc: %w", err)
	}
	if err := unix.Mount("tmpfs", newRoot+"/tmp", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777,size=64m"); err != nil {
		return err
	}
	if err := unix.Mount("lab", newRoot+LabDir, "tmpfs", 0, "mode=0755,size=64m"); err != nil {
		return err
	}
	bin, err := os.OpenFile(newRoot+SandboxDir+"/bin/nstool", os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(bin, exe); err != nil {
		bin.Close()
		return err
	}
	if err := bin.Close(); err != nil {
		return err
	}
	if err := writeShellFiles(newRoot + SandboxDir); err != nil {
		return err
	}
	// pivot_root(2): the staged tmpfs becomes /, the old root is detached.
	if err := os.Mkdir(newRoot+"/.oldroot", 0o700); err != nil {
		return err
	}
	if err := unix.PivotRoot(newRoot, newRoot+"/.oldroot"); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return err
	}
	if err := unix.Unmount("/.oldroot", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the old root: %w", err)
	}
	return os.Remove("/.oldroot")
}

// writeShellFiles writes the learner's shell: labsh (what $SHELL names) and
// its bashrc, whose prompt names the lab, the step and the namespace.
func writeShellFiles(dir string) error {
	bashrc := `# nstool lab shell
PS1='\[\e[1;36m\]$(nstool lab __prompt 2>/dev/null || echo "[lab]")\[\e[0m\] \w # '
alias ls='ls --color=auto'
`
	labsh := `#!/bin/sh
# nstool lab: the shell for every namespace of the sandbox, with the lab's prompt.
exec bash --rcfile ` + SandboxDir + `/bashrc "$@"
`
	if err := os.WriteFile(dir+"/bashrc", []byte(bashrc), 0o644); err != nil {
		return err
	}
	return os.WriteFile(dir+"/bin/labsh", []byte(labsh), 0o755)
}

// LoadSandboxLab reads the lab the sandbox runs.
func LoadSandboxLab() (*Lab, error) {
	data, err := os.ReadFile(SandboxDir + "/lab.json")
	if err != nil {
		return nil, errors.New("not inside a lab sandbox: start one with `nstool lab start ID`")
	}
	var l Lab
	return &l, json.Unmarshal(data, &l)
}

// Sandbox is a running sandbox found from the host.
type Sandbox struct {
	InitPID int // as the host sees it
	Lab     string
}

// FindSandboxes lists the running sandboxes of this user (all, for root) by
// their init's command line: nothing about them is written on the host.
func FindSandboxes() []Sandbox {
	ents, _ := os.ReadDir("/proc")
	var out []Sandbox
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !strings.HasPrefix(string(cmdline), "nstool\x00lab\x00__init\x00") {
			continue
		}
		if os.Geteuid() != 0 {
			var st unix.Stat_t
			if unix.Stat("/proc/"+e.Name(), &st) != nil || int(st.Uid) != os.Geteuid() {
				continue
			}
		}
		sb := Sandbox{InitPID: pid}
		if s, err := readStateFile(fmt.Sprintf("/proc/%d/root%s", pid, stateFile)); err == nil {
			sb.Lab = s.Lab
		}
		out = append(out, sb)
	}
	return out
}

// readLines splits r into lines, calling fn for each (without the newline).
func readLines(r io.Reader, fn func(string)) {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			fn(strings.TrimSuffix(line, "\n"))
		}
		if err != nil {
			return
		}
	}
}
