package namespaces

import (
	"fmt"
	"strconv"
	"strings"
)

// Type is one of the eight kinds of Linux namespace (namespaces(7)).
type Type int

// The namespace types, in the order util-linux lsns knows them.
const (
	Mnt Type = iota
	Net
	Pid
	Uts
	Ipc
	User
	Cgroup
	Time
	// NumTypes is how many types there are: the size of arrays indexed
	// by Type.
	NumTypes
)

// AllTypes lists every namespace type, in lsns's order.
var AllTypes = []Type{Mnt, Net, Pid, Uts, Ipc, User, Cgroup, Time}

// String is the kernel's short name: "mnt", "net", ...
func (t Type) String() string {
	if t < 0 || t >= NumTypes {
		return fmt.Sprintf("nstype(%d)", int(t))
	}
	return Table[t].Name
}

// CloneFlag is the type's CLONE_NEW* flag.
func (t Type) CloneFlag() int { return int(Table[t].Flag) }

// unknownTypeError is returned for a name that is no namespace type.
type unknownTypeError struct{ Name string }

func (e *unknownTypeError) Error() string { return "unknown namespace type: " + e.Name }

// ParseType turns "mnt", "net", ... into an Type.
func ParseType(name string) (Type, error) {
	for i := range Table {
		if Table[i].Name == name {
			return Type(i), nil
		}
	}
	return 0, &unknownTypeError{Name: name}
}

// nsTypeFromCloneFlag maps NS_GET_NSTYPE's answer back to an Type.
func nsTypeFromCloneFlag(flag int) (Type, bool) {
	for i := range Table {
		if int(Table[i].Flag) == flag {
			return Type(i), true
		}
	}
	return 0, false
}

// TypeSet is a set of namespace types; the zero value is empty.
type TypeSet uint16

// AllTypeSet holds every type.
const AllTypeSet TypeSet = 1<<NumTypes - 1

// Has reports whether t is in the set.
func (s TypeSet) Has(t Type) bool { return s&(1<<t) != 0 }

// With returns the set plus t.
func (s TypeSet) With(t Type) TypeSet { return s | 1<<t }

// ParseLink reads the text of a namespace link, "net:[4026532281]": what
// readlink(2) gives for /proc/PID/ns/net or an open namespace file under
// /proc/PID/fd, and the root of an nsfs bind mount in mountinfo.
func ParseLink(link string) (t Type, ino uint64, ok bool) {
	name, rest, found := strings.Cut(link, ":[")
	if !found || !strings.HasSuffix(rest, "]") {
		return 0, 0, false
	}
	t, err := ParseType(name)
	if err != nil {
		return 0, 0, false
	}
	ino, err = strconv.ParseUint(strings.TrimSuffix(rest, "]"), 10, 64)
	return t, ino, err == nil
}
