// Package scols renders tables the way util-linux's libsmartcols does, so
// that commands reproducing util-linux tools (findmnt, lsns) print the same
// bytes: padded columns, raw, KEY="value" pairs, JSON and trees. It knows
// nothing about mounts or namespaces: a command describes its columns once
// and fills lines.
package scols

import (
	"slices"

	"github.com/fatih/color"
)

// Flag changes how a column is sized and printed (libsmartcols' SCOLS_FL_*).
type Flag uint

const (
	// Right aligns the column's data to the right.
	Right Flag = 1 << iota
	// Trunc lets the column be truncated on a narrow terminal.
	Trunc
	// Tree draws the tree (├─ └─) in this column in tree output.
	Tree
	// NoExtremes ignores unusually long cells when sizing the column for
	// a terminal.
	NoExtremes
	// Wrap columns are neither narrowed nor cut on a terminal (theirs is
	// libsmartcols' custom wrap, at newlines): a cell may hold several
	// lines ("a\nb"), and in human output each line of the cell is printed
	// under the previous one, the other columns left blank (libsmartcols'
	// wrapnl functions, as findmnt's SOURCES uses them).
	Wrap
	// StrictWidth keeps the column at its width hint.
	StrictWidth
	// Hidden keeps the column out of the output.
	Hidden
)

// JSONType is how a column's value is written in JSON output.
type JSONType int

const (
	// String values are quoted; an empty one is null.
	String JSONType = iota
	// Number values are written as they are; an empty one is null.
	Number
	// Boolean: "", "0", "n..." and "N..." are false, anything else true.
	Boolean
	// BooleanOptional is Boolean, with "" and "-" as null.
	BooleanOptional
	// ArrayString is an array of strings, one per line of the cell (as
	// findmnt's SOURCES, libsmartcols' SCOLS_JSON_ARRAY_STRING).
	ArrayString
)

// Format is the output style.
type Format int

const (
	// Human prints aligned columns (and the tree when Tree is set).
	Human Format = iota
	// Raw prints space-separated cells with blanks and unsafe bytes as \xNN.
	Raw
	// Pairs prints NAME="value" pairs (util-linux's --pairs).
	Pairs
	// JSON prints {"NAME": [ {...}, ... ]}, with "children" in tree mode.
	JSON
)

// Column is one column of a table.
type Column struct {
	Name string
	// WidthHint below 1 is a fraction of the terminal width; 1 or more is
	// a minimum width in cells.
	WidthHint float64
	Flags     Flag
	JSON      JSONType
	// Color, when set, colours every cell of the column on a terminal.
	Color *color.Color
	// URI, when set, makes each non-empty cell of human output a terminal
	// hyperlink (OSC 8) to URI followed by the cell's text, as
	// libsmartcols' scols_column_set_uri (findmnt --hyperlink); the tree
	// art stays outside the link.
	URI string

	seq int
	// sizing state (libsmartcols' width, width_min, width_max, ...)
	width, widthMin, widthMax, widthTreeArt int
	widthAvg, extremeSum, extremeCount      int
	isExtreme                               bool
}

func (c *Column) has(f Flag) bool { return c.Flags&f != 0 }

// ShellVarName is the column name made usable as a shell variable:
// "USE%" → "USE_PCT", "MAJ:MIN" → "MAJ_MIN", "1X" → "_1X".
func (c *Column) ShellVarName() string {
	name := c.Name
	if name == "" {
		return ""
	}
	b := make([]byte, 0, len(name)+4)
	if !isAlpha(name[0]) {
		b = append(b, '_')
	}
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if isAlpha(ch) || (ch >= '0' && ch <= '9') {
			b = append(b, ch)
		} else {
			b = append(b, '_')
		}
	}
	if name[len(name)-1] == '%' {
		b = append(b, "PCT"...)
	}
	return string(b)
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// Cell is the data of one column in one line.
type Cell struct {
	Data string
}

// Line is one row; in tree output it may have a parent and children.
type Line struct {
	Cells    []Cell
	parent   *Line
	children []*Line
	index    int32 // position among the parent's children (or among roots)
	depth    int32 // number of ancestors: the tree art is depth glyphs
	seq      int   // position in the table: its cells' place in the printer's arrays
	// more holds, while printing, a multi-line cell's lines after the
	// first, by column (nil for the lines without any)
	more map[int][]chunk
	// colors are the cells coloured apart from their column, by column
	// (nil for most lines: a colour a cell would be 8 bytes more each,
	// 0.5 MB at 16,000 mounts)
	colors map[int]*color.Color
}

// chunk is one encoded line of a multi-line cell and its width.
type chunk struct {
	s string
	w int
}

// Set puts data into column i.
func (l *Line) Set(i int, data string) { l.Cells[i].Data = data }

// SetColor colours the cell of column i on a terminal.
func (l *Line) SetColor(i int, c *color.Color) {
	if l.colors == nil {
		l.colors = map[int]*color.Color{}
	}
	l.colors[i] = c
}

// Parent returns the line's parent in the tree, or nil.
func (l *Line) Parent() *Line { return l.parent }

// Children returns the line's children in the tree.
func (l *Line) Children() []*Line { return l.children }

// Table is a set of columns and lines plus how to print them.
type Table struct {
	Columns []*Column
	// Name is the JSON array name ("filesystems").
	Name   string
	Format Format
	// Tree prints lines as a tree (Human and JSON), if a column has the
	// Tree flag: without one libsmartcols prints a list.
	Tree       bool
	NoHeadings bool
	// ShellVar writes column names as shell variable names (Pairs, headings).
	ShellVar bool
	// ASCII forces |- `- tree characters even in a UTF-8 locale.
	ASCII bool
	// UTF8 selects ├─ └─ │ tree characters (see LocaleIsUTF8).
	UTF8 bool
	// Terminal enables fitting to TermWidth, as libsmartcols does when
	// stdout is a terminal; Colors enables cell colours.
	Terminal  bool
	TermWidth int
	Colors    bool
	// NoEncoding prints data as is instead of \xNN-encoding unsafe bytes.
	NoEncoding bool
	// HiddenHeadersNarrow sizes columns as libsmartcols 2.40 and later
	// do: with NoHeadings the headers do not widen the columns, and a
	// column with no data at all is 0 wide. libsmartcols 2.38 counts the
	// headers all the same.
	HiddenHeadersNarrow bool

	lines []*Line
	roots []*Line
	// printed: Print printed lines already. libsmartcols prints a table
	// in ranges (scols_table_print_range, findmnt --poll): the header only
	// with the first, and the columns' sizing statistics (the widest
	// cell, the average that marks extreme cells) carried from one range
	// to the next.
	printed bool
	// where NewLine takes lines and cells from: one allocation per 256
	// lines rather than two per line (tables of 16,000 mounts)
	lineSlab []Line
	cellSlab []Cell
}

// NewColumn appends a column.
func (t *Table) NewColumn(name string, whint float64, flags Flag) *Column {
	c := &Column{Name: name, WidthHint: whint, Flags: flags, seq: len(t.Columns)}
	t.Columns = append(t.Columns, c)
	return c
}

// AddColumn appends an already described column.
func (t *Table) AddColumn(c *Column) *Column {
	c.seq = len(t.Columns)
	t.Columns = append(t.Columns, c)
	return c
}

// Grow makes room for n more lines, where the caller knows about how many
// it will add (findmnt: one a mount), so that the table's lists of lines
// are not copied at each growth.
func (t *Table) Grow(n int) {
	t.lines = slices.Grow(t.lines, n)
	if !t.Tree { // a tree has few roots
		t.roots = slices.Grow(t.roots, n)
	}
}

// NewLine appends a line; parent (may be nil) makes it a child in the tree.
func (t *Table) NewLine(parent *Line) *Line {
	if len(t.lineSlab) == cap(t.lineSlab) {
		t.lineSlab = make([]Line, 0, 256)
	}
	n := len(t.Columns)
	if len(t.cellSlab)+n > cap(t.cellSlab) {
		t.cellSlab = make([]Cell, 0, 256*max(n, 1))
	}
	t.lineSlab = t.lineSlab[:len(t.lineSlab)+1]
	l := &t.lineSlab[len(t.lineSlab)-1]
	l.Cells = t.cellSlab[len(t.cellSlab) : len(t.cellSlab)+n : len(t.cellSlab)+n]
	t.cellSlab = t.cellSlab[:len(t.cellSlab)+n]
	l.parent, l.seq = parent, len(t.lines)
	if parent != nil {
		l.index, l.depth = int32(len(parent.children)), parent.depth+1
		parent.children = append(parent.children, l)
	} else {
		l.index = int32(len(t.roots))
		t.roots = append(t.roots, l)
	}
	t.lines = append(t.lines, l)
	return l
}

// RemoveLines drops every line (scols_table_remove_lines), keeping the
// columns and what the lines printed so far taught them; the next Print
// prints only the lines added since, without the header.
func (t *Table) RemoveLines() {
	t.lines, t.roots = t.lines[:0], t.roots[:0]
	t.lineSlab, t.cellSlab = nil, nil
}

// Lines returns every line in the order they were added.
func (t *Table) Lines() []*Line { return t.lines }

// Len is the number of lines.
func (t *Table) Len() int { return len(t.lines) }

func (t *Table) isLastChild(l *Line) bool {
	if l.parent == nil {
		return int(l.index) == len(t.roots)-1
	}
	return int(l.index) == len(l.parent.children)-1
}

// walk visits the lines in tree order (roots in order, each followed by its
// subtree), or in insertion order when the table is no tree.
func (t *Table) walk(fn func(*Line)) {
	if !t.isTree() {
		for _, l := range t.lines {
			fn(l)
		}
		return
	}
	var visit func(l *Line)
	visit = func(l *Line) {
		fn(l)
		for _, c := range l.children {
			visit(c)
		}
	}
	for _, r := range t.roots {
		visit(r)
	}
}

// isTree is libsmartcols' scols_table_is_tree: tree output needs a column
// to draw it in. Without one (findmnt -o SOURCE) the lines are printed in
// the order they were added, and JSON has no "children".
func (t *Table) isTree() bool {
	if !t.Tree {
		return false
	}
	for _, c := range t.Columns {
		if c.has(Tree) {
			return true
		}
	}
	return false
}

func (t *Table) lastColumn() *Column {
	for i := len(t.Columns) - 1; i >= 0; i-- {
		if !t.Columns[i].has(Hidden) {
			return t.Columns[i]
		}
	}
	return nil
}

// libsmartcols asks for "is this the last column" of the full list, hidden
// columns included; the commands here never hide columns.
func (t *Table) isLast(c *Column) bool { return c.seq == len(t.Columns)-1 }
