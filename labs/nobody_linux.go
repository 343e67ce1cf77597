package labs

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

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
	// The sandbox's ready socket is made here and its write end handed
	// over (fd 5): the state directory comes to root's side, which keeps
	// the learner's progress and says who ended the lab.
	readyR, readyW, err := readySocket()
	if err != nil {
		return Outcome{}, err
	}
	defer readyR.Close()
	cmd := &exec.Cmd{
		Path:       "/proc/self/fd/3", // resolved in the child, where fd 3 is the memfd
		Args:       opts.Stages.AsNobody(opts.Mode, opts.NoPause),
		ExtraFiles: []*os.File{mem, readyW}, // fd 3: the binary; fd 4: the lab (runStage); fd 5: ready
		// --step, the colour and who started the lab go over too: nobody's
		// Run reads them back (RunForParent). startedBy is root's UID.
		Env: append(append(os.Environ(), handoverEnv(opts)...), envRootlessDone+"=1", "HOME=/nonexistent"),
		Dir: "/",
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}},
		Pdeathsig:  syscall.SIGKILL,
	}
	out, err := runStage(cmd, opts, readyR, readyW)
	if err != nil {
		return Outcome{}, fmt.Errorf("running as nobody: %w", err)
	}
	return out, nil
}

// readyFD is the ready socket's write end in nobody's side (runAsNobody).
const readyFD = 5

// RunForParent is the unprivileged side of runAsNobody (the AsNobody
// stage): Run, with the lab that arrives from the parent on fd 4 in place
// of opts.Lab.
func RunForParent(opts RunOptions) (Outcome, error) {
	lab, _, err := labFromParent()
	if err != nil {
		return Outcome{Code: 1}, err
	}
	opts.Lab = lab
	opts.From = fromEnv()
	opts.Color = os.Getenv(EnvColor) == "1"
	opts.ready = os.NewFile(readyFD, "ready")
	return Run(opts)
}
