package umount

import (
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// loopMajor is the block major of loop devices (the kernel's
// Documentation/admin-guide/devices.txt).
const loopMajor = 7

// freeLoop is umount -d after the unmount: when the mount's source is a
// loop device, detach its backing file (LOOP_CLR_FD, loop(4)). Anything
// else is left alone, silently, as umount(8) does.
func freeLoop(source string) {
	var st unix.Stat_t
	if unix.Stat(source, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFBLK || unix.Major(st.Rdev) != loopMajor {
		return
	}
	fd, err := unix.Open(source, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	defer unix.Close(fd)
	_ = unix.IoctlSetInt(fd, unix.LOOP_CLR_FD, 0)
}

// loopsBackedBy lists the loop devices whose backing file is path (the
// kernel's /sys/block/loopN/loop/backing_file), as /dev/loopN.
func loopsBackedBy(path string) []string {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil
	}
	files, _ := filepath.Glob("/sys/block/loop*/loop/backing_file")
	var devs []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil && strings.TrimSuffix(string(b), "\n") == path {
			devs = append(devs, "/dev/"+filepath.Base(filepath.Dir(filepath.Dir(f))))
		}
	}
	return devs
}
