// Package sysfmt renders system calls as a person reads them, in strace's
// and util-linux's words: flag sets ("MS_REC|MS_SHARED"), errno texts,
// signal names.
package sysfmt

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// flagName names one bit of a system call's flags argument.
type flagName struct {
	flag uintptr
	name string
}

// formatFlags renders flags as strace does, "A|B|0x40" with unknown bits in
// hex, or "0" when none is set. names gives the order.
func formatFlags(flags uintptr, names []flagName) string {
	var parts []string
	for _, f := range names {
		if flags&f.flag != 0 {
			parts = append(parts, f.name)
			flags &^= f.flag
		}
	}
	if flags != 0 {
		parts = append(parts, fmt.Sprintf("%#x", flags))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, "|")
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

var cloneFlagNames = []flagName{
	{unix.CLONE_NEWNS, "CLONE_NEWNS"}, {unix.CLONE_NEWCGROUP, "CLONE_NEWCGROUP"}, {unix.CLONE_NEWUTS, "CLONE_NEWUTS"},
	{unix.CLONE_NEWIPC, "CLONE_NEWIPC"}, {unix.CLONE_NEWUSER, "CLONE_NEWUSER"}, {unix.CLONE_NEWPID, "CLONE_NEWPID"},
	{unix.CLONE_NEWNET, "CLONE_NEWNET"}, {unix.CLONE_NEWTIME, "CLONE_NEWTIME"},
}

// FormatCloneFlags renders CLONE_NEW* flags as strace does:
// "CLONE_NEWNS|CLONE_NEWPID" ("0" for none).
func FormatCloneFlags(flags uintptr) string {
	return formatFlags(flags, cloneFlagNames)
}
