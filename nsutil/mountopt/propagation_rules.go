package mountopt

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// Transition is one cell of the state-transition table: what a
// --make-TYPE does to a mount in state From.
type Transition struct {
	From mountinfo.PropagationState
	Op   string // "make-shared", "make-slave", "make-private", "make-unbindable"
	To   string // the cell as the document writes it
	Why  string // the rule in one sentence
}

// Transitions is sharedsubtree.rst's table, row by row (the kernel's
// change_mnt_propagation() in fs/pnode.c implements it).
var Transitions = []Transition{
	{mountinfo.StateShared, "make-shared", "shared", "a shared mount stays in its peer group"},
	{mountinfo.StateShared, "make-slave", "slave/private", "a shared mount becomes a slave of the peer group it leaves; if it was the only member there is no master to follow, so it becomes private"},
	{mountinfo.StateShared, "make-private", "private", "the mount leaves its peer group and neither sends nor receives"},
	{mountinfo.StateShared, "make-unbindable", "unbindable", "the mount leaves its peer group, becomes private and may not be bind-mounted"},
	{mountinfo.StateSlave, "make-shared", "shared and slave", "the slave gets a peer group of its own and keeps receiving from its master"},
	{mountinfo.StateSlave, "make-slave", "slave", "slaving a non-shared mount has no effect"},
	{mountinfo.StateSlave, "make-private", "private", "the mount stops receiving from its master"},
	{mountinfo.StateSlave, "make-unbindable", "unbindable", "the mount stops receiving from its master and may not be bind-mounted"},
	{mountinfo.StateSharedSlave, "make-shared", "shared and slave", "already shared: nothing changes"},
	{mountinfo.StateSharedSlave, "make-slave", "slave", "the mount leaves its peer group; it stays a slave (of that peer group if it had peers, else of its old master)"},
	{mountinfo.StateSharedSlave, "make-private", "private", "the mount leaves its peer group and its master"},
	{mountinfo.StateSharedSlave, "make-unbindable", "unbindable", "the mount leaves its peer group and its master and may not be bind-mounted"},
	{mountinfo.StatePrivate, "make-shared", "shared", "the mount gets a new peer group of its own"},
	{mountinfo.StatePrivate, "make-slave", "private", "slaving a non-shared mount has no effect"},
	{mountinfo.StatePrivate, "make-private", "private", "already private: nothing changes"},
	{mountinfo.StatePrivate, "make-unbindable", "unbindable", "a private mount that may not be bind-mounted"},
	{mountinfo.StateUnbindable, "make-shared", "shared", "the mount gets a new peer group and may be bind-mounted again"},
	{mountinfo.StateUnbindable, "make-slave", "unbindable", "slaving a non-shared mount has no effect"},
	{mountinfo.StateUnbindable, "make-private", "private", "the mount may be bind-mounted again"},
	{mountinfo.StateUnbindable, "make-unbindable", "unbindable", "already unbindable: nothing changes"},
}

// PropagationOp names a propagation flag as the table's column:
// MS_REC|MS_SLAVE → "make-slave".
func PropagationOp(flags uintptr) string {
	switch {
	case flags&unix.MS_SHARED != 0:
		return "make-shared"
	case flags&unix.MS_SLAVE != 0:
		return "make-slave"
	case flags&unix.MS_PRIVATE != 0:
		return "make-private"
	case flags&unix.MS_UNBINDABLE != 0:
		return "make-unbindable"
	}
	return ""
}

// TransitionFor returns the table cell for a mount in state from and a
// propagation change (MS_SHARED, MS_REC|MS_SLAVE, ...).
func TransitionFor(from mountinfo.PropagationState, flags uintptr) (Transition, bool) {
	op := PropagationOp(flags)
	for _, t := range Transitions {
		if t.From == from && t.Op == op {
			return t, true
		}
	}
	return Transition{}, false
}

// Allows reports whether a resulting state matches the table's cell
// ("slave/private" allows either).
func (t Transition) Allows(to mountinfo.PropagationState) bool {
	if t.To == "slave/private" {
		return to == mountinfo.StateSlave || to == mountinfo.StatePrivate
	}
	return t.To == to.String()
}

// BindRule is the row of sharedsubtree.rst 5b ("Bind semantics") or 5d
// ("Move semantics") for a source in state src and a destination that is
// shared or not: the state of the new (or moved) mount, and why.
func BindRule(move bool, src mountinfo.PropagationState, destShared bool) (to, why string) {
	verb := "bind"
	if move {
		verb = "move"
	}
	switch src {
	case mountinfo.StateUnbindable:
		if move && !destShared {
			return "unbindable", "moving an unbindable mount under a non-shared mount keeps it unbindable"
		}
		return "invalid", "an unbindable mount cannot be " + map[bool]string{false: "bind-mounted", true: "moved under a shared mount"}[move] + " (EINVAL)"
	case mountinfo.StateShared, mountinfo.StateSharedSlave:
		if destShared {
			return "shared", fmt.Sprintf("%s of a shared mount: the new mount joins the source's peer group and is copied to every mount the destination propagates to", verb)
		}
		return "shared", fmt.Sprintf("%s of a shared mount under a non-shared mount: the new mount joins the source's peer group", verb)
	case mountinfo.StateSlave:
		if destShared {
			return "shared and slave", fmt.Sprintf("%s of a slave under a shared mount: the new mount gets a peer group (copies follow the destination's propagation) and is a slave of the source's master", verb)
		}
		return "slave", fmt.Sprintf("%s of a slave under a non-shared mount: the new mount is a slave of the same master", verb)
	default: // private
		if destShared {
			return "shared", fmt.Sprintf("%s of a private mount under a shared mount: the new mount becomes shared and is copied to every mount the destination propagates to", verb)
		}
		return "private", fmt.Sprintf("%s of a private mount under a non-shared mount: the new mount is private", verb)
	}
}
