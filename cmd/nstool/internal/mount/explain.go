package mount

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/mountopt"
)

// makeCall makes one call of the plan (with fake, only shows it) and, with
// --explain, reports it with the propagation before → after and the
// sharedsubtree.rst rule behind it.
func makeCall(ex *mountcmd.Explainer, fake bool, p *plan, st step) error {
	if fake {
		ex.Note("%s (not made: --fake)", st.call)
		if ex.On {
			// What it would do, predicted from the table as it is.
			before, _ := mountinfo.Read(0)
			ex.Predict(predict(before, p, st))
			for _, r := range rulesFor(before, nil, p, st) {
				ex.Rule(r)
			}
		}
		return nil
	}
	if !ex.On {
		return st.call.Do()
	}
	before, _ := mountinfo.Read(0)
	err := st.call.Do()
	ex.Call(st.call, err)
	if err != nil {
		return err
	}
	after, _ := mountinfo.Read(0)
	ex.Change(before, after, focusFor(before, p, st))
	for _, r := range rulesFor(before, after, p, st) {
		ex.Rule(r)
	}
	return nil
}

// focusFor is the set of mounts a propagation call names: the mount at the
// target and, with MS_REC, every mount under it.
func focusFor(before []mountinfo.Mount, p *plan, st step) map[int]bool {
	focus := map[int]bool{}
	if st.kind != stepPropagation {
		return focus
	}
	top := mountinfo.Table(before).Top(st.call.Target)
	if top == nil {
		return focus
	}
	focus[top.ID] = true
	if st.call.Flags&unix.MS_REC != 0 {
		for id := range mountinfo.Table(before).Subtree(top.ID) {
			focus[id] = true
		}
	}
	return focus
}

// rulesFor names the sharedsubtree.rst rule behind a call.
func rulesFor(before, after []mountinfo.Mount, p *plan, st step) []string {
	switch st.kind {
	case stepBindRemount:
		return []string{"bind,remount changes the per-mount flags (ro, nosuid, ...) of this mount only; propagation is untouched"}
	case stepPropagation:
		return propagationRules(before, after, st)
	}
	switch {
	case p.remount:
		return []string{"remount changes a mount's flags and options; propagation is untouched"}
	case p.move || p.bind:
		src := mountinfo.Table(before).Containing(p.source)
		if p.move {
			src = mountinfo.Table(before).Top(p.source)
		}
		dest := mountinfo.Table(before).Containing(p.target)
		if src == nil || dest == nil {
			return nil
		}
		to, why := mountopt.BindRule(p.move, src.Propagation.State(), dest.Shared())
		section := "5b, bind"
		if p.move {
			section = "5d, move"
		}
		rules := []string{fmt.Sprintf("%s source under a %s mount → %s: %s (sharedsubtree.rst %s)",
			src.Propagation.State(), sharedWord(dest.Shared()), to, why, section)}
		if st.call.Flags&unix.MS_REC != 0 && !p.move {
			rules = append(rules, "rbind copies every mount under the source too; the subtree under an unbindable mount is pruned (sharedsubtree.rst 5c)")
		}
		return rules
	default:
		dest := mountinfo.Table(before).Containing(p.target)
		if dest == nil {
			return nil
		}
		to, why := mountopt.BindRule(false, mountinfo.StatePrivate, dest.Shared())
		return []string{fmt.Sprintf("a new mount is a bind of a private mount (sharedsubtree.rst 5e); under a %s mount → %s: %s", sharedWord(dest.Shared()), to, why)}
	}
}

func sharedWord(shared bool) string {
	if shared {
		return "shared"
	}
	return "non-shared"
}

// propagationRules gives one line per starting state among the mounts the
// call changed, from the state-transition table.
func propagationRules(before, after []mountinfo.Mount, st step) []string {
	focus := focusFor(before, nil, st)
	now := map[int]mountinfo.Mount{}
	for _, m := range after {
		now[m.ID] = m
	}
	seen := map[mountinfo.PropagationState]bool{}
	var rules []string
	for _, m := range before {
		if !focus[m.ID] {
			continue
		}
		from := m.Propagation.State()
		if seen[from] {
			continue
		}
		seen[from] = true
		t, ok := mountopt.TransitionFor(from, st.call.Flags)
		if !ok {
			continue
		}
		to := t.To
		if a, ok := now[m.ID]; ok && to == "slave/private" {
			to += " (here: " + a.Propagation.State().String() + ")"
		}
		rules = append(rules, fmt.Sprintf("%s + %s → %s: %s (sharedsubtree.rst, state table)", from, t.Op, to, t.Why))
	}
	return rules
}

// StateTableMarkdown renders sharedsubtree.rst's state-transition table
// (mountopt.Transitions, checked against the kernel by nsutil's tests)
// as the Markdown table of docs/mount.md.
func StateTableMarkdown() string {
	ops := []string{"make-shared", "make-slave", "make-private", "make-unbindable"}
	var b strings.Builder
	b.WriteString("| state ↓ / command → | --make-shared | --make-slave | --make-private | --make-unbindable |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, s := range mountinfo.States {
		fmt.Fprintf(&b, "| %s |", s)
		for _, op := range ops {
			for _, tr := range mountopt.Transitions {
				if tr.From == s && tr.Op == op {
					fmt.Fprintf(&b, " %s |", tr.To)
				}
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
