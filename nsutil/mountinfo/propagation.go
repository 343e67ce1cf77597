package mountinfo

import "fmt"

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
