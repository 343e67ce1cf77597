package nsutil

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// MountCall is one mount(2) or umount2(2) system call, kept as data so that
// commands can show it (--explain) before or after making it.
type MountCall struct {
	Op     string // "mount" or "umount2"
	Source string
	Target string
	FSType string
	Flags  uintptr // MS_* for mount, MNT_*/UMOUNT_* for umount2
	Data   string
}

// String renders the call as strace would, e.g.
// mount("none", "/lab/a", NULL, MS_REC|MS_SHARED, NULL).
func (c MountCall) String() string {
	if c.Op == "umount2" {
		return fmt.Sprintf("umount2(%s, %s)", strconv.Quote(c.Target), FormatUmountFlags(c.Flags))
	}
	return fmt.Sprintf("mount(%s, %s, %s, %s, %s)",
		quoteOrNull(c.Source), strconv.Quote(c.Target), quoteOrNull(c.FSType), FormatMountFlags(c.Flags), quoteOrNull(c.Data))
}

func quoteOrNull(s string) string {
	if s == "" {
		return "NULL"
	}
	return strconv.Quote(s)
}

// Do makes the system call. A failure is a *MountError.
func (c MountCall) Do() error {
	var err error
	if c.Op == "umount2" {
		err = unix.Unmount(c.Target, int(c.Flags))
	} else {
		err = unix.Mount(c.Source, c.Target, c.FSType, c.Flags, c.Data)
	}
	if err != nil {
		return &MountError{Call: c, Err: err}
	}
	return nil
}

// MountError is a failed mount(2) or umount2(2); Err is the errno
// (unix.EINVAL, unix.EPERM, ...), so errors.Is works through it.
type MountError struct {
	Call MountCall
	Err  error
}

func (e *MountError) Error() string { return e.Call.String() + ": " + e.Err.Error() }
func (e *MountError) Unwrap() error { return e.Err }

// MountFS calls mount(2).
func MountFS(source, target, fstype string, flags uintptr, data string) error {
	return MountCall{Op: "mount", Source: source, Target: target, FSType: fstype, Flags: flags, Data: data}.Do()
}

// Unmount calls umount2(2).
func Unmount(target string, flags int) error {
	return MountCall{Op: "umount2", Target: target, Flags: uintptr(flags)}.Do()
}

// mountFlagNames lists the MS_* flags in the order strace prints them.
var mountFlagNames = []flagName{
	{unix.MS_RDONLY, "MS_RDONLY"}, {unix.MS_NOSUID, "MS_NOSUID"}, {unix.MS_NODEV, "MS_NODEV"},
	{unix.MS_NOEXEC, "MS_NOEXEC"}, {unix.MS_SYNCHRONOUS, "MS_SYNCHRONOUS"}, {unix.MS_REMOUNT, "MS_REMOUNT"},
	{unix.MS_MANDLOCK, "MS_MANDLOCK"}, {unix.MS_DIRSYNC, "MS_DIRSYNC"}, {unix.MS_NOSYMFOLLOW, "MS_NOSYMFOLLOW"},
	{unix.MS_NOATIME, "MS_NOATIME"}, {unix.MS_NODIRATIME, "MS_NODIRATIME"}, {unix.MS_BIND, "MS_BIND"},
	{unix.MS_MOVE, "MS_MOVE"}, {unix.MS_REC, "MS_REC"}, {unix.MS_SILENT, "MS_SILENT"},
	{unix.MS_POSIXACL, "MS_POSIXACL"}, {unix.MS_UNBINDABLE, "MS_UNBINDABLE"}, {unix.MS_PRIVATE, "MS_PRIVATE"},
	{unix.MS_SLAVE, "MS_SLAVE"}, {unix.MS_SHARED, "MS_SHARED"}, {unix.MS_RELATIME, "MS_RELATIME"},
	{unix.MS_KERNMOUNT, "MS_KERNMOUNT"}, {unix.MS_I_VERSION, "MS_I_VERSION"}, {unix.MS_STRICTATIME, "MS_STRICTATIME"},
	{unix.MS_LAZYTIME, "MS_LAZYTIME"},
}

// FormatMountFlags renders MS_* flags as "MS_REC|MS_SHARED" ("0" for none).
func FormatMountFlags(flags uintptr) string {
	return formatFlags(flags, mountFlagNames)
}

// FormatUmountFlags renders umount2(2) flags as "MNT_DETACH|MNT_FORCE".
func FormatUmountFlags(flags uintptr) string {
	return formatFlags(flags, umountFlagNames)
}

var umountFlagNames = []flagName{
	{unix.MNT_FORCE, "MNT_FORCE"}, {unix.MNT_DETACH, "MNT_DETACH"}, {unix.MNT_EXPIRE, "MNT_EXPIRE"}, {unix.UMOUNT_NOFOLLOW, "UMOUNT_NOFOLLOW"},
}
