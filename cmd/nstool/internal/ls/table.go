package ls

import (
	"os"
	"strings"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/scols"
	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/nslist"
)

// newTable sets up a table with lsns's settings for these columns.
func (c *runCtx) newTable(cols []*column) *scols.Table {
	o := c.opts
	t := &scols.Table{
		Name:       "namespaces",
		NoHeadings: o.NoHeadings,
		UTF8:       scols.LocaleIsUTF8(os.Getenv),
		Terminal:   o.IO.IsStdoutTTY(),
		TermWidth:  o.IO.TerminalWidth(),
		Tree:       o.Tree != "",
	}
	switch {
	case o.JSON:
		t.Format = scols.JSON
	case o.Raw:
		t.Format = scols.Raw
	}
	treeDone := false
	for _, col := range cols {
		flags := col.flags
		if o.NoTrunc {
			flags &^= scols.Trunc
		}
		if o.NoWrap || o.Raw {
			flags &^= scols.Wrap
		}
		if !treeDone && t.Tree {
			switch {
			case o.Tree == "process" && (col.name == "COMMAND" || col.name == "CMD"):
				flags |= scols.Tree
				treeDone = true
			case o.Tree != "process" && (col.name == "NS" || col.name == "NAMESPACE"):
				// The tree is drawn in the namespace column, left-aligned.
				flags = flags&^scols.Right | scols.Tree
				treeDone = true
			}
		}
		sc := t.NewColumn(col.name, col.whint, flags)
		if o.JSON {
			sc.JSON = col.json
		}
	}
	// libsmartcols makes a tree only of a table with a tree column: without
	// it lsns -T prints (and JSON nests) nothing, the rows in the order
	// they were added.
	t.Tree = treeDone
	return t
}

func (c *runCtx) fillNS(t *scols.Table, parent *scols.Line, cols []*column, ns *nslist.Namespace) *scols.Line {
	l := t.NewLine(parent)
	for i, col := range cols {
		l.Set(i, col.ns(c, ns))
	}
	return l
}

// namespaceTable is the namespace list (and the --pid view): one row per
// namespace, in a tree with -T.
func (c *runCtx) namespaceTable(cols []*column) (*scols.Table, error) {
	list := c.opts.lsnsRows(c.listing.Namespaces)
	if pid := c.opts.PID; pid != 0 {
		var mine []*nslist.Namespace
		for _, ns := range list {
			for _, p := range ns.Procs {
				if p.PID == pid {
					mine = append(mine, ns)
					break
				}
			}
		}
		// No such process, or one whose namespaces may not be read:
		// no rows and exit 0, as lsns -p (the scan's note says what
		// could not be read).
		list = mine
	}
	t := c.newTable(cols)
	switch c.opts.Tree {
	case "owner", "parent":
		c.relationTree(t, cols, list)
	case "process":
		// lsns's default view: a namespace hangs below the namespace
		// whose lowest-PID process is the parent of its own.
		lines := map[int]*scols.Line{}
		for _, ns := range list {
			p := ns.Lowest()
			var parent *scols.Line
			if p != nil {
				parent = lines[p.PPID]
			}
			l := c.fillNS(t, parent, cols, ns)
			if p != nil {
				lines[p.PID] = l
			}
		}
	default:
		for _, ns := range list {
			c.fillNS(t, nil, cols, ns)
		}
	}
	return t, nil
}

// relationTree draws namespaces below their owner (-T owner) or parent
// (-T parent: user and pid namespaces below their parents, the others below
// their owner's line when it has been drawn), printing a relative first
// when it has not been printed yet, as lsns does.
func (c *runCtx) relationTree(t *scols.Table, cols []*column, list []*nslist.Namespace) {
	byIno := map[uint64]*nslist.Namespace{}
	for _, ns := range list {
		if _, ok := byIno[ns.Ino]; !ok {
			byIno[ns.Ino] = ns
		}
	}
	related := func(ns *nslist.Namespace) (owner, parent *nslist.Namespace) {
		if !ns.HaveRel {
			return nil, nil
		}
		if o := byIno[ns.Rel.Owner]; o != nil && o != ns {
			owner = o
		}
		if ns.Type == namespaces.User || ns.Type == namespaces.Pid {
			if p := byIno[ns.Rel.Parent]; p != nil && p != ns {
				parent = p
			}
		}
		return owner, parent
	}
	lines := map[*nslist.Namespace]*scols.Line{}
	var show func(ns *nslist.Namespace)
	show = func(ns *nslist.Namespace) {
		owner, parent := related(ns)
		var above *scols.Line
		if c.opts.Tree == "owner" {
			if owner != nil && lines[owner] == nil {
				show(owner)
			}
			if owner != nil {
				above = lines[owner]
			}
		} else {
			if parent != nil {
				if lines[parent] == nil {
					show(parent)
				}
				above = lines[parent]
			} else if owner != nil && lines[owner] == nil {
				show(owner)
			}
		}
		if lines[ns] == nil {
			lines[ns] = c.fillNS(t, above, cols, ns)
		}
	}
	for _, ns := range list {
		if lines[ns] == nil {
			show(ns)
		}
	}
}

// processTable is the --namespace view: the processes in one namespace.
func (c *runCtx) processTable(cols []*column, needs need) (*scols.Table, error) {
	var ns *nslist.Namespace
	for _, n := range c.listing.Namespaces {
		if n.Ino == c.opts.Namespace {
			ns = n
			break
		}
	}
	if ns == nil {
		return nil, cli.Exitf(1, "not found namespace: %d", c.opts.Namespace)
	}
	procs := make([]*nslist.ProcInfo, 0, len(ns.Procs))
	for _, p := range ns.Procs {
		if needs&needDetails != 0 || c.opts.Tree == "process" {
			if err := p.ReadDetails(); err != nil {
				continue // exited since the scan
			}
		}
		if needs&needCgroups != 0 {
			if cg, err := nslist.ReadCgroups(p.PID); err == nil {
				c.cgroups[p.PID] = strings.Join(cg, ",")
			}
		}
		procs = append(procs, p)
	}
	t := c.newTable(cols)
	fill := func(parent *scols.Line, p *nslist.ProcInfo) *scols.Line {
		l := t.NewLine(parent)
		for i, col := range cols {
			l.Set(i, col.proc(c, ns, p))
		}
		return l
	}
	if c.opts.Tree == "process" {
		// A process hangs below its parent when the parent is in the
		// same namespace (lsns's view of one namespace).
		byPID := map[int]*nslist.ProcInfo{}
		for _, p := range procs {
			byPID[p.PID] = p
		}
		lines := map[int]*scols.Line{}
		var show func(p *nslist.ProcInfo)
		show = func(p *nslist.ProcInfo) {
			parent := byPID[p.PPID]
			if parent != nil && lines[parent.PID] == nil && parent != p {
				show(parent)
			}
			if lines[p.PID] == nil {
				var above *scols.Line
				if parent != nil {
					above = lines[parent.PID]
				}
				lines[p.PID] = fill(above, p)
			}
		}
		for _, p := range procs {
			show(p)
		}
		return t, nil
	}
	for _, p := range procs {
		fill(nil, p)
	}
	return t, nil
}
