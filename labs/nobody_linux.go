package labs

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
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
	lab, err := newLabPipe(opts.Lab)
	if err != nil {
		return Outcome{}, err
	}
	cmd := &exec.Cmd{
		Path:       "/proc/self/fd/3", // resolved in the child, where fd 3 is the memfd
		Args:       opts.Stages.AsNobody(opts.Mode, opts.NoPause),
		Stdin:      opts.Stdin,
		Stdout:     opts.Stdout,
		Stderr:     opts.Stderr,
		ExtraFiles: []*os.File{mem, lab.r}, // fd 3: the binary; fd 4: the lab
		Env:        append(os.Environ(), envRootlessDone+"=1", "HOME=/nonexistent"),
		Dir:        "/",
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}},
		Pdeathsig:  syscall.SIGKILL,
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := lab.start(cmd); err != nil {
		return Outcome{}, fmt.Errorf("running as nobody: %w", err)
	}
	werr := cmd.Wait()
	return Outcome{Code: exitCode(cmd.ProcessState, werr)}, nil
}

// RunForParent is the unprivileged side of runAsNobody (the AsNobody
// stage): Run, with the lab that arrives from the parent on fd 4 in place
// of opts.Lab.
func RunForParent(opts RunOptions) (Outcome, error) {
	lab, _, err := labFromParent()
	if err != nil {
		return Outcome{Code: 1}, err
	}
	opts.Lab = lab
	return Run(opts)
}
