package findmnt

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/fatih/color"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/scols"
)

type tabType int

const (
	tabKernel tabType = iota + 1
	tabMtab
	tabFstab
)

// search is what findmnt looks for; empty fields match everything.
type search struct {
	fstype, options, target, source string
	majmin                          *[2]uint32
	id                              *int
	strictTarget, noSwap            bool
	filter                          filterNode
}

// finder is one run of findmnt over one table.
type finder struct {
	o      *Options
	ctx    *runCtx
	tab    *mountTable
	m      search
	tree   bool // FL_TREE
	cols   []*column
	out    *scols.Table
	lines  []*scols.Line      // by entry index
	kids   map[int][]*fsEntry // children by parent ID, sorted by ID
	byID   map[int]*fsEntry   // first entry with each ID
	onPath []bool             // by entry index: recursion guard against parent loops
}

// plan is what the command line asks for, before any table is read.
type plan struct {
	m         search
	cols      []*column
	tree      bool
	tt        tabType
	files     []string
	submounts bool
}

func run(o *Options) error {
	// A findmnt run is short and allocates little per mount; collecting
	// less often saves a third of the time on tables of 10,000+ mounts.
	debug.SetGCPercent(400)
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
	for _, path := range p.files {
		err := tab.readFile(path, func(w parseWarning) {
			fmt.Fprintf(o.IO.ErrOut, "nstool findmnt: %s: parse error at line %d -- ignored\n", w.File, w.Line)
		})
		if err != nil {
			return cli.Exitf(1, "can't read %s: %s", path, strerror(err))
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

func (o *Options) plan() (*plan, error) {
	var m search
	m.fstype, m.options = o.Types, o.Options
	if o.Source != "" || cmdChanged(o, "source") {
		m.setSource(o.Source)
		m.noSwap = true
	}
	if o.Mountpoint != "" || cmdChanged(o, "mountpoint") {
		m.target, m.strictTarget, m.noSwap = emptyIsRoot(o.Mountpoint), true, true
	}
	if o.Target != "" || cmdChanged(o, "target") {
		m.target, m.noSwap = emptyIsRoot(o.Target), true
	}
	if o.ID != "" {
		n, err := strconv.Atoi(o.ID)
		if err != nil {
			return nil, cli.Exitf(1, "invalid id argument: '%s'", o.ID)
		}
		m.id = &n
	}
	if o.Direction != "" && o.Direction != "forward" && o.Direction != "backward" {
		return nil, cli.Exitf(1, "unknown direction '%s'", o.Direction)
	}

	tree := !(o.DF || o.Pairs || o.Mtab || o.Fstab || o.Raw || o.List)

	// Columns: -D's df set or the four defaults, then -o (which replaces
	// them unless it starts with '+').
	var cols []*column
	if o.OutputAll {
		for _, c := range columns {
			if !c.tabdiff && !c.extra {
				cols = append(cols, c)
			}
		}
	}
	if len(cols) == 0 && o.DF {
		cols = namedColumns("SOURCE", "FSTYPE", "SIZE", "USED", "AVAIL", "USE%", "TARGET")
	}
	if len(cols) == 0 {
		cols = namedColumns("TARGET", "SOURCE", "FSTYPE", "OPTIONS")
	}
	if o.Output != "" || cmdChanged(o, "output") {
		var err error
		if cols, err = addColumnList(cols, o.Output); err != nil {
			return nil, err
		}
	}

	tt := tabType(0)
	var files []string
	switch {
	case o.Mtab:
		tt = tabMtab
	case o.Fstab:
		tt = tabFstab
	case o.Kernel:
		tt = tabKernel
	}
	files = append(files, o.TabFiles...)
	if o.Task != "" || cmdChanged(o, "task") {
		pid, err := parseTID(o.Task)
		if err != nil {
			return nil, err
		}
		tt = tabKernel
		files = append(files, "/proc/"+strconv.Itoa(pid)+"/mountinfo")
	}
	if tt == 0 {
		tt = tabKernel
	}

	if len(o.Args) > 0 && (m.source != "" || m.majmin != nil || m.target != "") {
		return nil, cli.Exitf(1, "options --target and --source can't be used together with command line element that is not an option")
	}
	switch {
	case len(o.Args) == 1 && o.Args[0] == "":
		// One element is a source or a target; an empty one can only be
		// the target "" (the root, see emptyIsRoot).
		m.target = emptyIsRoot("")
	case len(o.Args) > 0:
		m.setSource(o.Args[0])
	}
	if len(o.Args) > 1 {
		m.target = emptyIsRoot(o.Args[1])
	}
	submounts := o.Submounts
	if submounts && isListAll(o, &m) {
		submounts = false
	}
	if !submounts && (o.FirstOnly || m.target != "" || m.source != "" || m.majmin != nil || m.id != nil) {
		tree = false
	}
	if !m.noSwap && m.target == "" && m.source != "" {
		for _, p := range []string{"LABEL=", "UUID=", "PARTLABEL=", "PARTUUID="} {
			if strings.HasPrefix(m.source, p) {
				m.noSwap = true
			}
		}
	}

	if len(files) == 0 {
		switch tt {
		case tabFstab:
			files = []string{"/etc/fstab"}
		default:
			files = []string{"/proc/self/mountinfo"}
		}
	}
	if o.Filter != "" {
		n, unknown, err := parseFilter(o.Filter, columnByName, o.Bytes)
		if err != nil {
			return nil, cli.Exitf(1, "failed to parse \"%s\": %v", o.Filter, err)
		}
		if len(unknown) > 0 {
			for _, u := range unknown {
				fmt.Fprintf(o.IO.ErrOut, "nstool findmnt: unknown column: %s\n", u)
			}
			return nil, cli.Exitf(1, "failed to initialize filter")
		}
		m.filter = n
	}
	return &plan{m: m, cols: cols, tree: tree, tt: tt, files: files, submounts: submounts}, nil
}

// show searches tab and prints the result.
func (o *Options) show(p *plan, tab *mountTable) error {
	ios := o.IO
	m, tree, tt, submounts := p.m, p.tree, p.tt, p.submounts
	if tt == tabMtab && tab.allKernel() {
		tt = tabKernel
	}
	isTree := tab.isTree()
	if o.Uniq {
		tab.uniq()
	}
	if isTree && o.ForceTree {
		tree = true
	}
	if tree && (len(p.files) > 1 || !isTree) {
		tree = false
	}

	ctx := newRunCtx(o)
	f := &finder{o: o, ctx: ctx, tab: tab, m: m, tree: tree, cols: p.cols, lines: make([]*scols.Line, len(tab.entries))}
	f.out = f.newTable(tree)
	f.index()

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
		return cli.Exitf(1, "write error: %v", err)
	}
	return nil
}

func namedColumns(names ...string) []*column {
	var out []*column
	for _, n := range names {
		out = append(out, columnByName(n))
	}
	return out
}

// emptyIsRoot is how libmount reads an empty target: it compares paths
// without their trailing slashes, so "" is the same path as "/".
func emptyIsRoot(target string) string {
	if target == "" {
		return "/"
	}
	return target
}

// noSource is the source an empty -S or SOURCE asks for: one no mount has
// (no source holds a NUL byte), so nothing matches, as in util-linux.
const noSource = "\x00"

func (m *search) setSource(s string) {
	if s == "" {
		m.source = noSource
		return
	}
	var a, b int
	if n, _ := fmt.Sscanf(s, "%d:%d", &a, &b); n == 2 {
		m.majmin = &[2]uint32{uint32(a), uint32(b)}
		m.noSwap = true
		return
	}
	m.source = s
}

// isListAll is util-linux's is_listall_mode: "findmnt" without filters.
func isListAll(o *Options, m *search) bool {
	if (o.DF || o.Real || o.Pseudo) && !o.All {
		return false
	}
	return m.source == "" && m.target == "" && m.fstype == "" && m.options == "" && m.majmin == nil && m.id == nil
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

func (f *finder) newTable(tree bool) *scols.Table {
	o := f.o
	ios := o.IO
	t := &scols.Table{
		Format:     scols.Human,
		Tree:       tree,
		NoHeadings: o.NoHeadings,
		ShellVar:   o.Shell,
		ASCII:      o.ASCII,
		UTF8:       scols.LocaleIsUTF8(o.Getenv),
		Terminal:   ios.IsStdoutTTY(),
		TermWidth:  ios.TerminalWidth(),
		Colors:     ios.ColorEnabled(),
	}
	switch {
	case o.Raw:
		t.Format = scols.Raw
	case o.Pairs:
		t.Format = scols.Pairs
	case o.JSON:
		t.Format = scols.JSON
		t.Name = "filesystems"
	}
	if t.Terminal && t.TermWidth <= 0 {
		t.TermWidth = 80
	}
	for _, c := range f.cols {
		fl := c.flags
		if !tree {
			fl &^= scols.Tree
		}
		if o.NoTruncate {
			fl &^= scols.Trunc
		}
		sc := t.NewColumn(c.name, c.whint, fl)
		sc.JSON = c.jsonType(o.Bytes)
	}
	return t
}

// Colours of the PROPAGATION column on a terminal (DESIGN.md).
var (
	colorShared     = color.New(color.FgGreen)
	colorSlave      = color.New(color.FgYellow)
	colorUnbindable = color.New(color.FgRed)
)

func propagationColor(e *fsEntry) *color.Color {
	switch fl := e.flags(); {
	case fl.Unbindable:
		return colorUnbindable
	case fl.Slave:
		return colorSlave
	case fl.Shared:
		return colorShared
	}
	return nil
}

// addLine puts e into the output under parent.
func (f *finder) addLine(e *fsEntry, parent *scols.Line) *scols.Line {
	l := f.out.NewLine(parent)
	for i, c := range f.cols {
		if c.get != nil {
			l.Set(i, c.get(f.ctx, e))
		}
		if c.name == "PROPAGATION" && f.out.Colors {
			l.SetColor(i, propagationColor(e))
		}
	}
	f.lines[e.index] = l
	return l
}

func listColumns(o *Options) error {
	t := &scols.Table{NoHeadings: true, Format: scols.Human, UTF8: scols.LocaleIsUTF8(o.Getenv)}
	switch {
	case o.Raw:
		t.Format = scols.Raw
	case o.JSON:
		t.Format = scols.JSON
		t.Name = "findmnt-columns"
		t.NoHeadings = false
	}
	t.NewColumn("NAME", 0, scols.Right)
	t.NewColumn("TYPE", 0, 0)
	t.NewColumn("DESCRIPTION", 0, 0)
	for _, c := range columns {
		if c.tabdiff {
			continue // --poll's columns; nstool has no --poll
		}
		typ, help := "<"+c.kind+">", c.help
		if c.kind == "size" {
			typ, help = "<string|number>", help+", use <number> if --bytes is given"
		}
		l := t.NewLine(nil)
		l.Set(0, c.name)
		l.Set(1, typ)
		l.Set(2, help)
	}
	return t.Print(o.IO.Out)
}

var _ = os.Getenv

func cmdChanged(o *Options, name string) bool { return o.given[name] }

// addColumnList applies -o LIST as util-linux's string_add_to_idarray
// does: "+LIST" appends, LIST replaces; an unknown name is reported with
// the rest of the list after it ("unknown column: FOO,TARGET"), an empty
// name in the list fails without a message.
func addColumnList(cols []*column, list string) ([]*column, error) {
	if list == "" {
		return nil, cli.Exit(1)
	}
	if list[0] == '+' {
		list = list[1:]
	} else {
		cols = nil
	}
	if list == "" {
		return nil, cli.Exit(1)
	}
	begin := -1
	for p := 0; p < len(list); p++ {
		if begin < 0 {
			begin = p
		}
		end := -1
		if list[p] == ',' {
			end = p
		}
		if p+1 == len(list) {
			end = p + 1
		}
		if end < 0 {
			continue
		}
		if end <= begin {
			return nil, cli.Exit(1)
		}
		c := columnByName(list[begin:end])
		if c == nil {
			return nil, cli.Exitf(1, "unknown column: %s", list[begin:])
		}
		if len(cols) >= 2*len(columns) {
			return nil, cli.Exitf(1, "too many columns specified, the limit is %d columns", 2*len(columns)-1)
		}
		cols = append(cols, c)
		begin = -1
	}
	return cols, nil
}
