package labs

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"

	"golang.org/x/sys/unix"
)

// EnterSandbox opens a shell (or runs argv) in actor name of the sandbox
// whose init is initPID, from the host: it joins the sandbox's mount and PID
// namespaces and runs the sandbox's own nstool there (stages.Shell). A
// rootless sandbox needs its user namespace joined first, which a
// multithreaded Go process cannot do (setns(2)): stages.Nsenter does it from
// a single-threaded child. color is the terminal's wish for colour (the
// prompt's, as in `lab start`'s shell). It returns the shell's exit status.
func EnterSandbox(stages Stages, initPID int, name string, argv []string, stdio [3]*os.File, color bool) (int, error) {
	inner := stages.Shell(name, argv)
	ownUserNS, _ := os.Readlink("/proc/self/ns/user")
	theirs, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/user", initPID))
	if ownUserNS != theirs {
		// The user who started a rootless lab: its UID is the one the
		// sandbox maps to 0, so keeping it makes the shell root inside.
		// Without this, nsenter calls setgroups(2), which an unprivileged
		// caller may not do, nor may anyone inside a user namespace whose
		// setgroups file says deny (user_namespaces(7)): util-linux
		// nsenter fails the same way.
		preserve := os.Geteuid() != 0
		inner[0] = SandboxDir + "/bin/nstool"
		return runEntering(&exec.Cmd{Path: "/proc/self/exe", Args: stages.Nsenter(initPID, preserve, inner)}, stdio, color), nil
	}
	// The thread that joins the sandbox's namespaces is a goroutine's of
	// its own, locked and never unlocked, so Go retires it when the
	// goroutine ends: the caller's thread stays in the host's namespaces
	// (in the sandbox's, its /proc is the sandbox's, where the host's PIDs,
	// the init's among them, mean nothing).
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		code, err := runInSandbox(initPID, &exec.Cmd{Path: SandboxDir + "/bin/nstool", Args: inner}, stdio, color)
		done <- result{code, err}
	}()
	r := <-done
	return r.code, r.err
}

// runInSandbox joins, on this locked thread, the mount and PID namespaces
// of the sandbox whose init is initPID and runs cmd there.
func runInSandbox(initPID int, cmd *exec.Cmd, stdio [3]*os.File, color bool) (int, error) {
	// Open both namespaces first: once in the sandbox's mount namespace,
	// /proc is the sandbox's and the host's PIDs mean nothing there.
	pidns, err := os.Open(fmt.Sprintf("/proc/%d/ns/pid", initPID))
	if err != nil {
		return 1, err
	}
	defer pidns.Close()
	if err := setnsMount(initPID); err != nil {
		return 1, fmt.Errorf("entering the sandbox: %w", err)
	}
	// setns(2) CLONE_NEWPID: the children of this thread are born in the
	// sandbox's PID namespace.
	if err := unix.Setns(int(pidns.Fd()), unix.CLONE_NEWPID); err != nil {
		return 1, fmt.Errorf("entering the sandbox's PID namespace: %w", err)
	}
	// No Pdeathsig: Go's child checks getppid(2) after setting it, and a
	// parent in another PID namespace reads as 0, so the child would
	// kill itself. The shell lives in the sandbox and dies with it.
	return runEntering(cmd, stdio, color), nil
}

// runEntering runs cmd, the shell's stage or nsenter to it, on the
// terminal, with the sandbox's environment (its nstool first in PATH), not
// the host terminal's.
func runEntering(cmd *exec.Cmd, stdio [3]*os.File, color bool) int {
	cmd.Env = append(sandboxEnv(), colorEnv(color), envFromHost+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdio[0], stdio[1], stdio[2]
	err := cmd.Run()
	return exitCode(cmd.ProcessState, err)
}
