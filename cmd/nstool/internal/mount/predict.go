package mount

import (
	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/mountopt"
)

// predict is what --fake --explain shows in place of before → after: what
// the call would do to the propagation of the mounts it touches, from the
// kernel's rules (sharedsubtree.rst's state table, the bind and move
// rules) applied to the mount table as it is.
func predict(before []mountinfo.Mount, p *plan, st step) []mountcmd.Prediction {
	switch {
	case st.kind == stepBindRemount || (st.kind == stepMain && p.remount):
		if m := mountinfo.Table(before).Top(st.call.Target); m != nil {
			return []mountcmd.Prediction{{Target: m.Target, Before: m.Propagation, After: m.Propagation.State().String() + " (no change)"}}
		}
		return nil
	case st.kind == stepPropagation:
		var out []mountcmd.Prediction
		focus := focusFor(before, p, st)
		for _, m := range before {
			if !focus[m.ID] {
				continue
			}
			t, ok := mountopt.TransitionFor(m.Propagation.State(), st.call.Flags)
			if !ok {
				continue
			}
			to := t.To
			if to == "slave/private" {
				// A slave of the group it leaves, if anyone is left in it:
				// a peer the same call changes leaves it too (MS_REC), and
				// the last to leave takes the group's slaves' master away.
				to = "private (no peer left to receive from)"
				if peersBeyond(before, m, focus) > 0 {
					to = "slave"
				}
			}
			out = append(out, mountcmd.Prediction{Target: m.Target, Before: m.Propagation, After: to})
		}
		return out
	}
	dest := mountinfo.Table(before).Containing(p.target)
	if dest == nil {
		return nil
	}
	src := mountinfo.StatePrivate // a new mount is as a bind of a private one (5e)
	var from *mountinfo.Propagation
	if p.move || p.bind {
		m := mountinfo.Table(before).Containing(p.source)
		if p.move {
			m = mountinfo.Table(before).Top(p.source)
		}
		if m == nil {
			return nil
		}
		src = m.Propagation.State()
		if p.move {
			from = &m.Propagation
		}
	}
	to, _ := mountopt.BindRule(p.move, src, dest.Shared())
	if src == mountinfo.StateSharedSlave && to == "shared" {
		to = mountinfo.StateSharedSlave.String() // it joins a peer group that is a slave
	}
	pr := mountcmd.Prediction{Target: p.target, New: from == nil, After: to}
	if from != nil {
		pr.Before = *from
		pr.After += " (moved from " + p.source + ")"
	}
	out := []mountcmd.Prediction{pr}
	if st.call.Flags&unix.MS_REC != 0 && p.bind {
		out[0].After += ", with a copy of each mount under " + p.source
	}
	return out
}

// peersBeyond counts the mounts of m's peer group that the call leaves
// where they are (not in focus).
func peersBeyond(mounts []mountinfo.Mount, m mountinfo.Mount, focus map[int]bool) int {
	n := 0
	for _, o := range mounts {
		if !focus[o.ID] && m.PeerGroup != 0 && o.PeerGroup == m.PeerGroup {
			n++
		}
	}
	return n
}
