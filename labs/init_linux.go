package labs

import (
	"errors"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/sys/unix"
)

// Init is PID 1 of the sandbox (the Init stage): it builds the sandbox's
// root, starts the supervisor (the Supervise stage, on the terminal stdio)
// and reaps every orphan until the supervisor ends. It returns the
// supervisor's status, for init to exit with, which ends the sandbox.
func Init(stages Stages, mode Mode, noPause bool, stdio [3]*os.File) (int, error) {
	// The sandbox's root is built by mounting in this process's mount
	// namespace: only the first process of the new namespaces lab start
	// makes (CLONE_NEWNS|CLONE_NEWPID) may do that, never one typed on the
	// host.
	if os.Getpid() != 1 {
		return 1, errors.New("not the first process of a new PID namespace: `nstool lab start` runs this stage")
	}
	lab, labJSON, err := labFromParent()
	if err != nil {
		return 1, err
	}
	if err := buildRoot(stages); err != nil {
		return 1, err
	}
	if err := os.WriteFile(SandboxDir+"/lab.json", labJSON, 0o644); err != nil {
		return 1, err
	}
	// The state directory goes to `lab start` before the state is written:
	// whoever finds the state (a `lab reset` at this very moment) ends a
	// sandbox whose starter can already read what it wrote there (who ended
	// it). The message waits in the socket even if init is killed next.
	ready := os.NewFile(3, "ready")
	if err := sendStateDir(ready); err != nil {
		return 1, err
	}
	userns, _ := os.Readlink("/proc/self/ns/user")
	mntns, _ := os.Readlink("/proc/self/ns/mnt")
	if err := writeState(&State{Lab: lab.ID, Actors: map[string]int{"host": 1}, UserNS: userns, MountNS: mntns}); err != nil {
		return 1, err
	}
	children := &reaper{}
	if err := serveRelay(children); err != nil {
		return 1, err
	}
	sup := &exec.Cmd{
		Path: SandboxDir + "/bin/nstool", Args: stages.Supervise(mode, noPause),
		Stdin: stdio[0], Stdout: stdio[1], Stderr: stdio[2],
		ExtraFiles: []*os.File{ready},
		Env:        sandboxEnv(),
		Dir:        LabDir,
	}
	if err := sup.Start(); err != nil {
		return 1, err
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
			return 1, err
		}
		children.exited(pid, ws)
		if pid == sup.Process.Pid {
			if ws.Signaled() {
				return 128 + int(ws.Signal()), nil
			}
			return ws.ExitStatus(), nil
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
