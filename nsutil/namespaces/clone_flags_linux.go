package namespaces

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
