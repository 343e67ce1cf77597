package labs

import (
	"errors"
	"fmt"
	"os/exec"
	"runtime"

	"golang.org/x/sys/unix"
)

// ProbeRefusedStatus is the exit status of a probe stage whose kernel call
// was refused with EINVAL (ProbeMain); 0 means it would be allowed, any
// other status that the probe itself failed.
const ProbeRefusedStatus = 3

// prober runs the probes of a check as stages: mountinfo has no marker for
// a locked mount, so a helper process asks the kernel (see ProbeMain).
type prober struct{ stages Stages }

// locked tells whether the mount at path in pid's mount namespace is
// locked: the kernel refuses to unmount it.
func (p prober) locked(pid int, path string) (bool, error) { return p.run("umount", pid, path) }

// unbindable tells whether the kernel refuses a bind of the mount at path
// in pid's mount namespace.
func (p prober) unbindable(pid int, path string) (bool, error) { return p.run("bind", pid, path) }

func (p prober) run(kind string, pid int, path string) (bool, error) {
	argv := p.stages.Probe(kind, pid, path)
	cmd := &exec.Cmd{Path: "/proc/self/exe", Args: argv}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return false, nil
	case errors.As(err, &ee) && ee.ExitCode() == ProbeRefusedStatus:
		return true, nil
	}
	return false, fmt.Errorf("%v: %s", err, out)
}

// ProbeMain is the probe stage, in pid's mount namespace; it changes
// nothing there. refused is true when the kernel refuses with EINVAL.
//
// umount: umount2(2) MNT_EXPIRE. The kernel tests for a locked mount first
// (EINVAL); an unlocked one is only marked as expired (EAGAIN), not
// unmounted, and the probe then uses it, which clears the mark.
//
// bind: open_tree(2) OPEN_TREE_CLONE makes a detached copy, as a bind mount
// would, without attaching it anywhere: EINVAL for an unbindable mount.
func ProbeMain(kind string, pid int, path string) (refused bool, err error) {
	runtime.LockOSThread()
	if err := setnsMount(pid); err != nil {
		return false, fmt.Errorf("setns: %v", err)
	}
	switch kind {
	case "umount":
		err = unix.Unmount(path, unix.MNT_EXPIRE)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EBUSY) {
			// The mount is now marked as expired: a second MNT_EXPIRE would
			// unmount it. Using it clears the mark (mntput() in
			// fs/namespace.c): open and close it.
			if fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0); err == nil {
				unix.Close(fd)
			}
			err = nil
		}
	case "bind":
		var fd int
		fd, err = unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
		if err == nil {
			unix.Close(fd)
		}
	default:
		return false, fmt.Errorf("unknown probe %q", kind)
	}
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, unix.EINVAL):
		return true, nil
	}
	return false, fmt.Errorf("%s %s: %v", kind, path, err)
}
