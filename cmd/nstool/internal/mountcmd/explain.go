package mountcmd

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/fatih/color"
	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/mountsys"
)

// Explainer writes --explain's report on stderr: each call as strace shows
// it, then the mounts whose propagation it changed (before → after, with
// peer-group and master numbers) and the rule of the kernel's
// sharedsubtree.rst that applied. Without --explain it writes nothing.
type Explainer struct {
	W     io.Writer
	On    bool // --explain was given
	Color bool // colour propagations as findmnt does
	Width int  // of W's terminal: lines are laid out for it (cli.Wrap); 0 for none
}

// NewExplainer reports on the command's stderr when on.
func NewExplainer(ios *cli.IOStreams, on bool) *Explainer {
	return &Explainer{W: ios.ErrOut, On: on, Color: explainColor(ios), Width: ios.StderrWidth()}
}

// explainColor reports whether the report (on stderr) is coloured: colour
// is on (--color, NO_COLOR, a terminal on stdout) and stderr is a terminal
// too.
func explainColor(ios *cli.IOStreams) bool {
	f, ok := ios.ErrOut.(*os.File)
	return ios.ColorEnabled() && ok && term.IsTerminal(int(f.Fd()))
}

// Note writes one line of the report.
func (e *Explainer) Note(format string, args ...any) {
	if e.On {
		fmt.Fprint(e.W, cli.Wrap(fmt.Sprintf(format, args...), e.Width)+"\n")
	}
}

// Call reports a call made and its result.
func (e *Explainer) Call(call mountsys.Call, err error) {
	e.Note("%s = %s", call, Result(err))
}

// Rule names the rule behind what a call did.
func (e *Explainer) Rule(rule string) {
	e.Note("  rule: %s", rule)
}

// Result is strace's rendering of a call's result: "0" or
// "-1 EINVAL (Invalid argument)".
func Result(err error) string {
	if err == nil {
		return "0"
	}
	var errno unix.Errno
	if errors.As(err, &errno) {
		return fmt.Sprintf("-1 %s (%s)", unix.ErrnoName(errno), cli.Strerror(errno))
	}
	return "-1 (" + err.Error() + ")"
}

// Change reports, for each mount whose propagation changed, that appeared
// or that went away, and for each mount in focus even when unchanged:
// "TARGET  BEFORE → AFTER" with peer-group and master numbers.
func (e *Explainer) Change(before, after []mountinfo.Mount, focus map[int]bool) {
	if !e.On {
		return
	}
	d := func(p mountinfo.Propagation) string { return paint(e.Color, p, p.Detail()) }
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
		fmt.Fprintf(e.W, "  %-*s  %s → %s\n", width, l.target, l.from, l.to)
	}
}

// Prediction is what --fake --explain says a call would do to a mount:
// its propagation now (or New), and the state it would be in.
type Prediction struct {
	Target string
	Before mountinfo.Propagation
	New    bool
	After  string // a state as sharedsubtree.rst words it: "shared", "slave", ...
}

// Predict reports predictions as Change reports changes:
// "TARGET  BEFORE → AFTER (predicted)".
func (e *Explainer) Predict(ps []Prediction) {
	if !e.On {
		return
	}
	width := 0
	for _, p := range ps {
		width = max(width, len(p.Target))
	}
	for _, p := range ps {
		from := "(new)"
		if !p.New {
			from = paint(e.Color, p.Before, p.Before.Detail())
		}
		fmt.Fprintf(e.W, "  %-*s  %s → %s (predicted)\n", width, p.Target, from, p.After)
	}
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
