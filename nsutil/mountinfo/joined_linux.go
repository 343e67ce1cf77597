package mountinfo

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/namespaces"
)

// ReadJoined reads the mount table of the mount namespace that path (an
// nsfs file: /proc/PID/ns/mnt, or a bind mount of one that keeps a
// namespace no process is in) names, from a thread that joins it
// (namespaces.InMount). The table is read through this process's own
// /proc, opened before the join: once in, the thread's root is the
// namespace's, where /proc may not be mounted at all; thread-self there is
// the joined thread.
func ReadJoined(path string) (Table, error) {
	proc, err := unix.Open("/proc", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: "/proc", Err: err}
	}
	defer unix.Close(proc)
	var mounts Table
	var readErr error
	if err := namespaces.InMount(path, func() {
		fd, err := unix.Openat(proc, "thread-self/mountinfo", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			readErr = err
			return
		}
		f := os.NewFile(uintptr(fd), "mountinfo")
		defer f.Close()
		mounts, _, readErr = Parse(f)
	}); err != nil {
		return nil, fmt.Errorf("entering %s: %w", path, err)
	}
	return mounts, readErr
}
