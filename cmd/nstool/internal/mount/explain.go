package mount

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fatih/color"
	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/mountopt"
)

// explainer makes the calls and, with --explain, reports each one on
// stderr in kernel terms: the call as strace shows it, the propagation of
// the mounts it touched before → after, and the sharedsubtree.rst rule.
type explainer struct {
	w     io.Writer
	on    bool
	color bool
}

func newExplainer(w io.Writer, on, color bool) *explainer {
	return &explainer{w: w, on: on, color: color}
}

// ExplainColor reports whether --explain output (on stderr) is coloured:
// colour is on (--color, NO_COLOR, a terminal on stdout) and stderr is a
// terminal too.
func ExplainColor(ios *cli.IOStreams) bool {
	f, ok := ios.ErrOut.(*os.File)
	return ios.ColorEnabled() && ok && term.IsTerminal(int(f.Fd()))
}

// paint colours a propagation as findmnt does: shared green, slave yellow,
// unbindable red, private plain.
func paint(on bool, p mountinfo.Propagation, text string) string {
	if !on {
		return text
	}
	var c *color.Color
	switch {
	case p.Unbindable:
		c = color.New(color.FgRed)
	case p.Slave():
		c = color.New(color.FgYellow)
	case p.Shared():
		c = color.New(color.FgGreen)
	default:
		return text
	}
	c.EnableColor()
	return c.Sprint(text)
}

func (e *explainer) note(format string, args ...any) {
	if e.on {
		fmt.Fprintf(e.w, format+"\n", args...)
	}
}

// do makes one call (or, with fake, only shows it).
func (e *explainer) do(fake bool, p *plan, st step) error {
	if fake {
		e.note("%s (not made: --fake)", st.call)
		return nil
	}
	if !e.on {
		return st.call.Do()
	}
	before, _ := mountinfo.Read(0)
	err := st.call.Do()
	e.note("%s = %s", st.call, Result(err))
	if err != nil {
		return err
	}
	after, _ := mountinfo.Read(0)
	ExplainChange(e.w, e.color, before, after, focusFor(before, p, st))
	for _, r := range rulesFor(before, after, p, st) {
		fmt.Fprintf(e.w, "  rule: %s\n", r)
	}
	return nil
}

// Result is strace's rendering of a call's result: "0" or
// "-1 EINVAL (Invalid argument)".
func Result(err error) string {
	if err == nil {
		return "0"
	}
	var errno unix.Errno
	if errors.As(err, &errno) {
		return fmt.Sprintf("-1 %s (%s)", unix.ErrnoName(errno), Strerror(errno))
	}
	return "-1 (" + err.Error() + ")"
}

// ExplainChange prints, for each mount whose propagation changed, that
// appeared or that went away, and for each mount in focus even when
// unchanged: "TARGET  BEFORE → AFTER" with peer-group and master numbers.
func ExplainChange(w io.Writer, colored bool, before, after []mountinfo.Mount, focus map[int]bool) {
	d := func(p mountinfo.Propagation) string { return paint(colored, p, p.Detail()) }
	old := map[int]mountinfo.Mount{}
	for _, m := range before {
		old[m.ID] = m
	}
	now := map[int]bool{}
	type line struct{ target, from, to string }
	var lines []line
	for _, m := range after {
		now[m.ID] = true
		b, existed := old[m.ID]
		switch {
		case !existed:
			lines = append(lines, line{m.Target, "(new)", d(m.Propagation)})
		case b.Target != m.Target:
			lines = append(lines, line{m.Target, d(b.Propagation), d(m.Propagation) + " (moved from " + b.Target + ")"})
		case b.Propagation != m.Propagation:
			lines = append(lines, line{m.Target, d(b.Propagation), d(m.Propagation)})
		case focus[m.ID]:
			lines = append(lines, line{m.Target, d(b.Propagation), d(m.Propagation) + " (no change)"})
		}
	}
	for _, m := range before {
		if !now[m.ID] {
			lines = append(lines, line{m.Target, d(m.Propagation), "(unmounted)"})
		}
	}
	width := 0
	for _, l := range lines {
		width = max(width, len(l.target))
	}
	for _, l := range lines {
		fmt.Fprintf(w, "  %-*s  %s → %s\n", width, l.target, l.from, l.to)
	}
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
