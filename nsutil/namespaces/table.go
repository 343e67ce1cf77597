package namespaces

import (
	"golang.org/x/sys/unix"
)

// Info is everything nstool calls a namespace type by.
type Info struct {
	Name string  // under /proc/PID/ns/ and in an nsfs link's target ("mnt:[4026531841]")
	Flag uintptr // CLONE_NEW* (clone(2), unshare(2), setns(2); what NS_GET_NSTYPE returns, ioctl_ns(2))
	// ForChildren is the /proc/PID/ns/ file that names the namespace a
	// process made with unshare(2): for pid and time namespaces the caller
	// itself stays outside and only its children enter (pid_namespaces(7),
	// time_namespaces(7)).
	ForChildren string
	// Option and Letter are unshare(1)'s and nsenter(1)'s option for it
	// (--mount, -m).
	Option string
	Letter byte
	// Dir is "/ns/NAME" with a NUL, for the pre-runtime start's paths.
	Dir string
	// SetnsErr is nsenter(1)'s message when setns(2) refuses the type.
	SetnsErr string
}

// Table is the one namespace table, indexed by Type. It is static data
// (constants only: the linker lays it out, no init function writes it), so
// the pre-runtime start (cmd/nstool/internal/early) may read it before Go's
// runtime has initialised a single package.
var Table = [NumTypes]Info{
	Mnt:    {"mnt", unix.CLONE_NEWNS, "mnt", "mount", 'm', "/ns/mnt\x00", "reassociate to namespace 'ns/mnt' failed"},
	Net:    {"net", unix.CLONE_NEWNET, "net", "net", 'n', "/ns/net\x00", "reassociate to namespace 'ns/net' failed"},
	Pid:    {"pid", unix.CLONE_NEWPID, "pid_for_children", "pid", 'p', "/ns/pid\x00", "reassociate to namespace 'ns/pid' failed"},
	Uts:    {"uts", unix.CLONE_NEWUTS, "uts", "uts", 'u', "/ns/uts\x00", "reassociate to namespace 'ns/uts' failed"},
	Ipc:    {"ipc", unix.CLONE_NEWIPC, "ipc", "ipc", 'i', "/ns/ipc\x00", "reassociate to namespace 'ns/ipc' failed"},
	User:   {"user", unix.CLONE_NEWUSER, "user", "user", 'U', "/ns/user\x00", "reassociate to namespace 'ns/user' failed"},
	Cgroup: {"cgroup", unix.CLONE_NEWCGROUP, "cgroup", "cgroup", 'C', "/ns/cgroup\x00", "reassociate to namespace 'ns/cgroup' failed"},
	Time:   {"time", unix.CLONE_NEWTIME, "time_for_children", "time", 'T', "/ns/time\x00", "reassociate to namespace 'ns/time' failed"},
}

// SetnsOrder is util-linux's order of the types: the user namespace first
// (nsenter enters it first or last), then cgroup, ipc, uts, net, pid, mnt
// and time. nsenter opens and enters in this order, unshare binds the
// files of --mount=FILE and friends in it.
var SetnsOrder = [NumTypes]Type{User, Cgroup, Ipc, Uts, Net, Pid, Mnt, Time}
