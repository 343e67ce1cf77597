package umount

import (
	"fmt"
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
	if _, ok := loopDevice(source); !ok {
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

// loopDevice is the device number of source when it is a loop device.
func loopDevice(source string) (uint64, bool) {
	var st unix.Stat_t
	if unix.Stat(source, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFBLK || unix.Major(st.Rdev) != loopMajor {
		return 0, false
	}
	return st.Rdev, true
}

// detachableLoop reports whether -d would free source: a loop device
// without LO_FLAGS_AUTOCLEAR (sysfs's loop/autoclear). The kernel sets
// autoclear itself when LOOP_CLR_FD finds the device still in use (a
// bind of the same filesystem), and frees it with the last unmount.
func detachableLoop(source string) bool {
	dev, ok := loopDevice(source)
	if !ok {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/sys/dev/block/%d:%d/loop/autoclear", unix.Major(dev), unix.Minor(dev)))
	return err != nil || strings.TrimSpace(string(b)) != "1"
}
