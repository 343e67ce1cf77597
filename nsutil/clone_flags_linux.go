package nsutil

import (
	"golang.org/x/sys/unix"
)

// CloneNamespace is one namespace type as unshare(1) and nsenter(1) see it.
type CloneNamespace struct {
	Flag uintptr // CLONE_NEW*
	Name string  // "mnt", as under /proc/PID/ns/
	// ForChildren is the /proc/PID/ns/ file that names the namespace a
	// process made with unshare(2): for pid and time namespaces the caller
	// itself stays outside and only its children enter (pid_namespaces(7),
	// time_namespaces(7)).
	ForChildren string
}

// CloneNamespaces lists the eight types in util-linux's order: the user
// namespace first (nsenter enters it first or last), then cgroup, ipc, uts,
// net, pid, mnt and time.
var CloneNamespaces = []CloneNamespace{
	{unix.CLONE_NEWUSER, "user", "user"},
	{unix.CLONE_NEWCGROUP, "cgroup", "cgroup"},
	{unix.CLONE_NEWIPC, "ipc", "ipc"},
	{unix.CLONE_NEWUTS, "uts", "uts"},
	{unix.CLONE_NEWNET, "net", "net"},
	{unix.CLONE_NEWPID, "pid", "pid_for_children"},
	{unix.CLONE_NEWNS, "mnt", "mnt"},
	{unix.CLONE_NEWTIME, "time", "time_for_children"},
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
