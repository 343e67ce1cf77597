package nsutil

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// NSType is one of the eight kinds of Linux namespace (namespaces(7)).
type NSType int

// The namespace types, in the order util-linux lsns knows them.
const (
	MntNS NSType = iota
	NetNS
	PidNS
	UtsNS
	IpcNS
	UserNS
	CgroupNS
	TimeNS
	// NumNSTypes is how many types there are: the size of arrays indexed
	// by NSType.
	NumNSTypes
)

// AllNSTypes lists every namespace type, in lsns's order.
var AllNSTypes = []NSType{MntNS, NetNS, PidNS, UtsNS, IpcNS, UserNS, CgroupNS, TimeNS}

// nsNames are the names the kernel uses under /proc/PID/ns/ and in an nsfs
// link's target ("mnt:[4026531841]").
var nsNames = [NumNSTypes]string{"mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time"}

// nsCloneFlags are the CLONE_NEW* flags NS_GET_NSTYPE returns (ioctl_ns(2)).
var nsCloneFlags = [NumNSTypes]int{
	unix.CLONE_NEWNS, unix.CLONE_NEWNET, unix.CLONE_NEWPID, unix.CLONE_NEWUTS,
	unix.CLONE_NEWIPC, unix.CLONE_NEWUSER, unix.CLONE_NEWCGROUP, unix.CLONE_NEWTIME,
}

// String is the kernel's short name: "mnt", "net", ...
func (t NSType) String() string {
	if t < 0 || t >= NumNSTypes {
		return fmt.Sprintf("nstype(%d)", int(t))
	}
	return nsNames[t]
}

// CloneFlag is the type's CLONE_NEW* flag.
func (t NSType) CloneFlag() int { return nsCloneFlags[t] }

// ErrUnknownNSType is returned for a name that is no namespace type.
type ErrUnknownNSType struct{ Name string }

func (e *ErrUnknownNSType) Error() string { return "unknown namespace type: " + e.Name }

// ParseNSType turns "mnt", "net", ... into an NSType.
func ParseNSType(name string) (NSType, error) {
	for i, n := range nsNames {
		if n == name {
			return NSType(i), nil
		}
	}
	return 0, &ErrUnknownNSType{Name: name}
}

// nsTypeFromCloneFlag maps NS_GET_NSTYPE's answer back to an NSType.
func nsTypeFromCloneFlag(flag int) (NSType, bool) {
	for i, f := range nsCloneFlags {
		if f == flag {
			return NSType(i), true
		}
	}
	return 0, false
}

// NSTypeSet is a set of namespace types; the zero value is empty.
type NSTypeSet uint16

// AllNSTypeSet holds every type.
const AllNSTypeSet NSTypeSet = 1<<NumNSTypes - 1

// Has reports whether t is in the set.
func (s NSTypeSet) Has(t NSType) bool { return s&(1<<t) != 0 }

// With returns the set plus t.
func (s NSTypeSet) With(t NSType) NSTypeSet { return s | 1<<t }
