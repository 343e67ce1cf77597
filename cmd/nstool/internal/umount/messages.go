package umount

import (
	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// umountMessage is umount(8)'s message for a failed umount2(2), after
// "TARGET: " (libmount's mnt_context_get_umount_excode()).
func umountMessage(errno unix.Errno) string {
	switch errno {
	case unix.ENXIO:
		return "invalid block device."
	case unix.EINVAL:
		return "not mounted."
	case unix.EIO:
		return "can't write superblock."
	case unix.EBUSY:
		return "target is busy."
	case unix.ENOENT:
		return "no mount point specified."
	case unix.EPERM:
		return "must be superuser to unmount."
	case unix.EACCES:
		return "block devices are not permitted on filesystem."
	}
	return "umount(2) system call failed: " + cli.Strerror(errno) + "."
}
