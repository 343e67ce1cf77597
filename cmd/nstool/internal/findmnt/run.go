package findmnt

import (
	"fmt"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/scols"
)

// finder is one run of findmnt over one table.
type finder struct {
	o    *Options
	ctx  *runCtx
	tab  *mountTable
	m    search
	tree bool // FL_TREE
	cols []*column
	// linkURI is what TARGET cells link to (--hyperlink), "" for none.
	linkURI string
	out     *scols.Table
	lines   []*scols.Line // by entry index
	// index: the table by parent ID and by ID (tree.go)
	byParent, byID []*fsEntry
	kids           [][2]int32 // by entry index: where its children are in byParent
	onPath         []bool     // by entry index: recursion guard against parent loops
	// changeTab is, under --poll, the reading of the table that the
	// change being matched comes from (the index above is the first's)
	changeTab *mountTable
}

func run(o *Options) error {
	cli.BatchGC()
	if o.Version {
		if err := cli.PrintVersion(o.IO.Out, "findmnt"); err != nil {
			return writeError(err)
		}
		return nil
	}
	if err := o.readCompat(); err != nil {
		return err
	}
	if err := o.validate(); err != nil {
		return err
	}
	if o.ListColumns {
		return listColumns(o)
	}
	p, err := o.plan()
	if err != nil {
		return err
	}
	// Read the table(s). Parse errors are warnings; the rest is shown.
	tab := &mountTable{}
	if p.tt == tabFstab {
		tab.format = fmtFstab // -s reads fstab(5) lines, whatever they look like
	}
	if p.listmount {
		if err := tab.readListmount(); err != nil {
			return cli.Exitf(1, "failed to read mount table by listmount(2): %s", cli.Strerror(err))
		}
	}
	warn := func(w parseWarning) {
		fmt.Fprintf(o.IO.ErrOut, "nstool findmnt: %s: parse error at line %d -- ignored\n", w.File, w.Line)
	}
	for _, path := range p.files {
		read := tab.readFile
		switch p.tt {
		case tabFstab:
			read = tab.readFstab
		case tabMtab:
			// libmount's mnt_table_parse_mtab guesses the format of each
			// file anew; -k keeps the first file's for all
			tab.format = fmtGuess
		}
		err := read(path, warn)
		if err != nil {
			if p.defaultFstab {
				path = "(null)" // util-linux passes libmount no name and prints that
			}
			return cli.Exitf(1, "can't read %s: %s", path, cli.Strerror(err))
		}
		if p.tt == tabMtab {
			tab.mergeUtab(utabPath()) // after each file, as mnt_table_parse_mtab
		}
	}
	return o.show(p, tab)
}

// runTable runs findmnt on an already parsed table (benchmarks, tests).
func runTable(o *Options, tab *mountTable) error {
	p, err := o.plan()
	if err != nil {
		return err
	}
	p.files = []string{"table"}
	return o.show(p, tab)
}

// show searches tab and prints the result.
func (o *Options) show(p *plan, tab *mountTable) error {
	ios := o.IO
	m, tree, tt, submounts := p.m, p.tree, p.tt, p.submounts
	if tt == tabMtab && tab.allKernel() {
		tt = tabKernel
	}
	isTree := tab.isTree()
	ctx := newRunCtx(o)
	if o.Uniq {
		canon := func(p string) string { return p } // -C: no cache, paths as written
		if !o.NoCanonicalize {
			canon = func(p string) string {
				if r := ctx.resolve(p); r != "" {
					return r
				}
				return p
			}
		}
		tab.uniq(canon)
	}
	if isTree && o.ForceTree {
		tree = true
	}
	if tree && (len(p.files) > 1 || !isTree) {
		tree = false
	}

	f := &finder{o: o, ctx: ctx, tab: tab, m: m, tree: tree, cols: p.cols, linkURI: p.linkURI, lines: make([]*scols.Line, len(tab.entries))}
	f.out = f.newTable(tree)
	f.out.Grow(len(tab.entries)) // mostly one line a mount
	if tree || submounts || o.Shadowed {
		f.index() // only the tree walk and --shadowed ask for parents and children
	}
	if o.Verify {
		return f.verify()
	}
	if o.given["poll"] {
		// util-linux watches the first table file given (the kernel's
		// otherwise), starting from the table just read
		path := "/proc/self/mountinfo"
		if len(p.files) > 0 && !p.listmount {
			path = p.files[0]
		}
		return f.poll(path)
	}
	// --poll's columns: util-linux refuses them without it, naming the
	// first one asked for, once the tables are read
	// (their parse errors come first) and unless it verifies them.
	for _, c := range p.cols {
		if c.tabdiff {
			return cli.Exitf(1, "%s column is requested, but --poll is not enabled", c.name)
		}
	}

	var rc int
	if tree && !submounts {
		rc = f.createTreenode(nil, nil)
	} else {
		rc = f.addMatchingLines(submounts)
		if rc != 0 && tt == tabKernel && f.m.noSwap && !f.m.strictTarget && f.m.target != "" {
			f.extraTargetMatch()
			rc = f.addMatchingLines(submounts)
		}
	}
	if rc != 0 {
		return cli.Exit(1)
	}
	if err := f.out.Print(ios.Out); err != nil {
		return writeError(err)
	}
	return nil
}

// allKernel reports whether every entry came from a mountinfo table.
func (t *mountTable) allKernel() bool {
	for _, e := range t.entries {
		if !e.Kernel {
			return false
		}
	}
	return true
}

// isTree is tab_is_tree: the last entry is a kernel (mountinfo) entry.
func (t *mountTable) isTree() bool {
	n := len(t.entries)
	return n > 0 && t.entries[n-1].Kernel && t.entries[n-1].hasRoot
}

// writeError is util-linux's close_stdout message: "write error: " and
// the errno's text ("No space left on device" for /dev/full).
func writeError(err error) error {
	return cli.Exitf(1, "write error: %s", cli.Strerror(err))
}
