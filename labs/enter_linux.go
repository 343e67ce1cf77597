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
	var cmd *exec.Cmd
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
		cmd = &exec.Cmd{Path: "/proc/self/exe", Args: stages.Nsenter(initPID, preserve, inner)}
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
		cmd = &exec.Cmd{Path: SandboxDir + "/bin/nstool", Args: inner}
		// No Pdeathsig: Go's child checks getppid(2) after setting it, and a
		// parent in another PID namespace reads as 0, so the child would
		// kill itself. The shell lives in the sandbox and dies with it.
	}
	// Either way the shell gets the sandbox's environment (its nstool first
	// in PATH), not the host terminal's.
	cmd.Env = append(sandboxEnv(), colorEnv(color))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdio[0], stdio[1], stdio[2]
	err := cmd.Run()
	return exitCode(cmd.ProcessState, err), nil
}
