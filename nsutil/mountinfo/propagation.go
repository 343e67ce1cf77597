package mountinfo

import "fmt"

// Propagation is what the optional fields of mountinfo say about mount
// propagation (see the kernel's sharedsubtree.rst and mount_namespaces(7)).
type Propagation struct {
	PeerGroup     int  // shared:N — the mount is in peer group N (0: not shared)
	Master        int  // master:N — the mount is a slave of peer group N (0: not a slave)
	PropagateFrom int  // propagate_from:N — the nearest dominant peer group visible to the reader
	Unbindable    bool // unbindable — the mount cannot be bind-mounted
}

// Shared reports whether the mount is in a peer group.
func (p Propagation) Shared() bool { return p.PeerGroup != 0 }

// Slave reports whether the mount receives propagation from a master group.
func (p Propagation) Slave() bool { return p.Master != 0 }

// Flags is the propagation without its group numbers.
func (p Propagation) Flags() Flags {
	return Flags{Shared: p.Shared(), Slave: p.Slave(), Unbindable: p.Unbindable}
}

// String is findmnt's PROPAGATION column (see Flags.String).
func (p Propagation) String() string { return p.Flags().String() }

// Flags are the three facts findmnt's PROPAGATION column shows.
type Flags struct{ Shared, Slave, Unbindable bool }

// String is findmnt's PROPAGATION column: "shared" or "private", then
// ",slave" and ",unbindable". A slave that is not shared prints
// "private,slave": the text hides groups, so compare Propagation values.
func (f Flags) String() string {
	s := "private"
	if f.Shared {
		s = "shared"
	}
	if f.Slave {
		s += ",slave"
	}
	if f.Unbindable {
		s += ",unbindable"
	}
	return s
}

// PropagationState is a row of the state-transition table in the kernel's
// Documentation/filesystems/sharedsubtree.rst (section 5a, "Mount states").
type PropagationState int

const (
	StateShared      PropagationState = iota // in a peer group, no master
	StateSlave                               // receives from a master group, no peer group
	StateSharedSlave                         // both: its own peer group is a slave of another
	StatePrivate                             // neither receives nor sends
	StateUnbindable                          // private and may not be bind-mounted
)

// States lists the table's rows in the document's order.
var States = []PropagationState{StateShared, StateSlave, StateSharedSlave, StatePrivate, StateUnbindable}

func (s PropagationState) String() string {
	switch s {
	case StateShared:
		return "shared"
	case StateSlave:
		return "slave"
	case StateSharedSlave:
		return "shared and slave"
	case StatePrivate:
		return "private"
	case StateUnbindable:
		return "unbindable"
	}
	return fmt.Sprintf("PropagationState(%d)", int(s))
}

// State classifies a mount's propagation as a row of the table.
func (p Propagation) State() PropagationState {
	switch {
	case p.Shared() && p.Slave():
		return StateSharedSlave
	case p.Shared():
		return StateShared
	case p.Slave():
		return StateSlave
	case p.Unbindable:
		return StateUnbindable
	}
	return StatePrivate
}

// Detail is the propagation with its numbers, as mountinfo shows them:
// "shared:12 master:3", "private", "unbindable".
func (p Propagation) Detail() string {
	s := ""
	if p.PeerGroup != 0 {
		s = fmt.Sprintf("shared:%d", p.PeerGroup)
	}
	if p.Master != 0 {
		if s != "" {
			s += " "
		}
		s += fmt.Sprintf("master:%d", p.Master)
	}
	if p.Unbindable {
		if s != "" {
			s += " "
		}
		s += "unbindable"
	}
	if s == "" {
		s = "private"
	}
	return s
}
