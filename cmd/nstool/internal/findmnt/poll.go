package findmnt

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/scols"
)

// pollAll is the value pflag gives a bare -p, shown by --help: every
// action. util-linux's bare -p keeps the list an earlier --poll=LIST gave
// (pollActions); nstool cannot tell a bare -p from this very list typed
// out, which then keeps the earlier list too (the same actions unless an
// earlier list named fewer).
const pollAll = "mount,umount,remount,move"

// pollActions is the last --poll=LIST, as util-linux keeps it: nil (every
// action) when no option gave a list.
func (o *Options) pollActions() []tabAction {
	var acts []tabAction
	for _, opt := range o.seen {
		if opt.name != "poll" || opt.value == pollAll {
			continue
		}
		acts = acts[:0]
		for _, name := range strings.Split(opt.value, ",") {
			switch strings.ToLower(name) {
			case "mount":
				acts = append(acts, actMount)
			case "umount":
				acts = append(acts, actUmount)
			case "remount":
				acts = append(acts, actRemount)
			case "move":
				acts = append(acts, actMove)
			}
		}
	}
	return acts
}

// poll is findmnt --poll: wait until the kernel reports a change of the
// table in path, read it again, and print what changed since the last
// reading (one range of lines a change, the header with the first), until
// no change came for timeout milliseconds (never, when negative) or, with
// --first-only, after the first change printed. It exits 0 unless reading
// or printing fails.
func (f *finder) poll(path string) error {
	o := f.o
	timeout := -1
	if o.given["timeout"] {
		n, err := cli.ParseStrtos32(o.Timeout, "invalid timeout argument")
		if err != nil {
			return err
		}
		timeout = int(n)
	}
	acts := o.pollActions()
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return cli.Exitf(1, "cannot open %s: %s", path, cli.Strerror(err))
	}
	file := os.NewFile(uintptr(fd), path)
	defer file.Close()
	old := f.tab
	for {
		changed, err := waitChange(fd, timeout)
		if err != nil {
			return cli.Exitf(1, "poll() failed: %s", cli.Strerror(err))
		}
		if !changed {
			return nil
		}
		cur, err := f.reread(file, path)
		if err != nil {
			return cli.Exitf(1, "%s: %s", path, cli.Strerror(err))
		}
		// util-linux asks statvfs(3) for each cell: what a mount point
		// holds now, not when an earlier change was printed
		clear(f.ctx.statfs)
		n := 0
		for _, c := range f.ordered(diffTables(old, cur)) {
			if acts != nil && !slices.Contains(acts, c.action) {
				continue
			}
			e, tab := c.new, cur
			if e == nil {
				e, tab = c.old, old
			}
			f.changeTab = tab
			if !f.pollMatch(e) {
				continue
			}
			n++
			f.addChangeLine(c)
			if o.FirstOnly {
				break
			}
		}
		if n > 0 {
			if err := f.printRange(); err != nil {
				return err
			}
		}
		old = cur
		f.out.RemoveLines()
		if n > 0 && o.FirstOnly {
			return nil
		}
	}
}

// waitChange waits for the kernel to mark the table changed: poll(2) on a
// /proc/PID/mountinfo file reports POLLERR|POLLPRI once the namespace's
// mount table changed since the file was opened or last polled
// (proc(5)). A regular file never does, so that findmnt only waits out
// the timeout. Signals the Go runtime takes (EINTR) do not end the wait.
func waitChange(fd, timeout int) (bool, error) {
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(time.Duration(timeout) * time.Millisecond)
	}
	for {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLPRI}}
		n, err := unix.Poll(fds, timeout)
		if errors.Is(err, unix.EINTR) {
			if timeout > 0 {
				timeout = max(0, int(time.Until(deadline).Milliseconds()))
			}
			continue
		}
		if err != nil {
			return false, err
		}
		return n > 0, nil
	}
}

// reread reads the table again from the start of the open file, with the
// same parser and warnings as the first reading.
func (f *finder) reread(file *os.File, path string) (*mountTable, error) {
	if _, err := file.Seek(0, 0); err != nil {
		return nil, err
	}
	t := &mountTable{}
	warn := func(w parseWarning) {
		fmt.Fprintf(f.o.IO.ErrOut, "nstool findmnt: %s: parse error at line %d -- ignored\n", w.File, w.Line)
	}
	tid := pathToTID(path)
	if err := t.parse(file, path, tid, warn); err != nil {
		return nil, err
	}
	return t, nil
}

// ordered is the changes as -d/--direction iterates them.
func (f *finder) ordered(changes []tabChange) []tabChange {
	if f.o.Direction == "backward" {
		slices.Reverse(changes)
	}
	return changes
}

// pollMatch is util-linux's poll_match: the filters (-t, -O, -S, -T, the
// arguments, -Q); a lone argument that matched as no source is tried as
// a mount point.
func (f *finder) pollMatch(e *fsEntry) bool {
	if f.match(e) {
		return true
	}
	m := &f.m
	if m.noSwap || m.source == "" || m.target != "" {
		return false
	}
	src := m.source
	m.target, m.source = swapTarget(src), ""
	ok := f.match(e)
	m.source, m.target = src, ""
	return ok
}

// overmountedIn is libmount's mnt_table_over_fs for --shadowed under
// --poll, where an entry belongs to one of two readings of the table: a
// mount on the same mount point whose parent is e.
func overmountedIn(t *mountTable, e *fsEntry) bool {
	if !t.isMountinfo() {
		return false
	}
	for _, c := range t.entries {
		if c.Parent == e.ID && streqPaths(c.Target, e.Target) {
			return true
		}
	}
	return false
}

// addChangeLine adds one change to the output: ACTION, OLD-TARGET (of a
// move or an umount), OLD-OPTIONS (of a remount or an umount), and the
// other columns of the new entry (the old one of an umount).
func (f *finder) addChangeLine(c tabChange) {
	e := c.new
	if e == nil {
		e = c.old
	}
	l := f.out.NewLine(nil)
	for i, col := range f.cols {
		switch col.name {
		case "ACTION":
			l.Set(i, c.action.String())
		case "OLD-TARGET":
			if c.old != nil && (c.action == actMove || c.action == actUmount) {
				l.Set(i, c.old.Target)
			}
		case "OLD-OPTIONS":
			if c.old != nil && (c.action == actRemount || c.action == actUmount) {
				l.Set(i, c.old.Options)
			}
		default:
			if col.get != nil {
				l.Set(i, col.get(f.ctx, e))
			}
		}
		if col.name == "PROPAGATION" && f.out.Colors {
			l.SetColor(i, propagationColor(e))
		}
	}
}

// printRange prints the lines of one change (scols_table_print_range and
// a newline), flushed at once so that a reader sees each change as it
// happens.
func (f *finder) printRange() error {
	switch {
	case f.out.Format == scols.JSON:
		// libsmartcols 2.38.1 fails an assertion (its JSON writer closes
		// an object it never opened) and findmnt aborts with nothing
		// printed: nstool stops there too, but says why.
		return cli.Exitf(1, "--poll cannot print JSON (util-linux 2.38.1 aborts here)")
	case f.tree && f.treeColumn():
		// findmnt --tree: libsmartcols prints no range of a tree; findmnt
		// stops silently
		return cli.Exit(1)
	}
	if err := f.out.Print(f.o.IO.Out); err != nil {
		return writeError(err)
	}
	return nil
}

// treeColumn: a column draws the tree (TARGET in a tree table).
func (f *finder) treeColumn() bool {
	for _, c := range f.cols {
		if c.flags&scols.Tree != 0 {
			return true
		}
	}
	return false
}
