package labs

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// A lab left mid-way can go on from the step reached (RunOptions.From):
// the new sandbox redoes the earlier steps by their reference solutions,
// typed into a hidden shell as verify does, and the learner's shell opens
// where that shell ended. A solution that starts a shell (`nstool unshare
// --mount`) ends in a namespace of its own: the learner's shell then opens
// in the host's namespace and at once starts a nested shell in that one,
// so that `exit` leaves the copy, not the lab.

// envFrom carries RunOptions.From into the sandbox; EnvEnter tells the
// learner's first shell whose mount namespace to open a nested shell in.
const (
	envFrom  = "NSTOOL_LAB_FROM"
	EnvEnter = "NSTOOL_LAB_ENTER"
)

// fromEnv is the step the sandbox starts at (0 unless going on).
func fromEnv() int {
	n, _ := strconv.Atoi(os.Getenv(envFrom))
	return n
}

// fastForward runs the solutions of the steps before from and checks each;
// it returns the step reached (from, or the first whose checks failed) and
// the process whose mount namespace the learner's shell goes into (0: the
// host's). That process is the hidden shell that ran the last command,
// turned into a sleep that EnterNamespaceOf ends once it has entered.
func fastForward(stages Stages, lab *Lab, from int) (int, int, error) {
	sess, err := newSession(false)
	if err != nil {
		return 0, 0, err
	}
	reached := 0
	for i := 0; i < from && i < len(lab.Steps); i++ {
		for _, c := range Commands(lab.Steps[i].Solution) {
			if err := sess.run(c, io.Discard); err != nil {
				sess.close()
				return i, 0, err
			}
		}
		st, _ := UpdateState(func(s *State) error { s.Step = i; return nil })
		if !allOK(stages.world(st).Evaluate(lab.Steps[i].Checks)) {
			break
		}
		reached = i + 1
		UpdateState(func(s *State) error { s.Step, s.Answer, s.Hints = i+1, "", 0; return nil })
	}
	mine := nsID(os.Getpid())
	pid, _ := strconv.Atoi(strings.TrimSpace(sess.output("echo $$")))
	if pid == 0 || nsID(pid) == mine {
		sess.close()
		return reached, 0, nil
	}
	// The innermost shell holds the namespace: it becomes a sleep, which
	// waits for the learner's shell to come in. The shells around it wait
	// for it, and leave when it ends. execLast returns once that shell has
	// read its last line: were the line still in the pipe when
	// EnterNamespaceOf kills the shell, the shell around it would read it
	// and stay on as a sleep.
	if err := sess.execLast("sleep infinity"); err != nil {
		sess.close()
		return reached, 0, err
	}
	return reached, pid, nil
}

// EnterNamespaceOf is the learner's nested shell when a lab goes on (the
// bashrc runs it with EnvEnter): into pid's mount namespace and working
// directory, pid (the sleep that held the namespace) ended, then the lab's
// shell in place of this process. If the earlier steps made a user
// namespace too (`nstool unshare --user`), the shell goes into both, as
// the learner's was: in the mount namespace alone it would keep the
// sandbox's privileges over it.
func EnterNamespaceOf(stages Stages, pid int) error {
	// It ends pid: typed by hand on the host, it would kill any process.
	if !InSandbox() {
		return errNotInSandbox
	}
	dir, _ := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, EnvEnter+"=") {
			env = append(env, kv)
		}
	}
	if ownUserNS(pid) {
		return enterUserNSOf(stages, pid, dir, env)
	}
	runtime.LockOSThread() // for good: this thread execs the shell
	if err := setnsMount(pid); err != nil {
		return fmt.Errorf("entering the namespace the earlier steps made: %w", err)
	}
	unix.Kill(pid, unix.SIGKILL)
	if dir == "" || os.Chdir(dir) != nil {
		os.Chdir(LabDir)
	}
	return syscall.Exec(SandboxDir+"/bin/labsh", []string{"bash", "-i"}, env)
}

// ownUserNS tells whether pid is in a user namespace other than this
// process's.
func ownUserNS(pid int) bool {
	theirs, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/user", pid))
	mine, _ := os.Readlink("/proc/self/ns/user")
	return err == nil && theirs != mine
}

// enterUserNSOf execs the lab's shell in pid's user and mount namespaces.
// setns(2) into a user namespace wants a single-threaded process: nstool
// nsenter's. The sleep is ended first; the descriptors of its namespaces,
// inherited by nsenter, keep them (namespaces(7)).
func enterUserNSOf(stages Stages, pid int, dir string, env []string) error {
	var fds [2]int
	for i, ns := range []string{"user", "mnt"} {
		fd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/%s", pid, ns), unix.O_RDONLY, 0) // no O_CLOEXEC: for nsenter
		if err != nil {
			return fmt.Errorf("entering the namespaces the earlier steps made: %w", err)
		}
		fds[i] = fd
	}
	unix.Kill(pid, unix.SIGKILL)
	if dir == "" {
		dir = LabDir
	}
	argv := stages.NsenterFiles(fds[0], fds[1], dir, []string{SandboxDir + "/bin/labsh", "-i"})
	return syscall.Exec(SandboxDir+"/bin/nstool", argv, env)
}
