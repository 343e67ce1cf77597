package findmnt

import (
	"github.com/fatih/color"

	"github.com/nstool/nstool/cmd/nstool/internal/scols"
)

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
		// util-linux HEAD's libsmartcols sizes headerless columns to their data
		HiddenHeadersNarrow: o.head,
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
		if c.name == "TARGET" {
			sc.URI = f.linkURI
		}
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

// listColumns is -H/--list-columns (util-linux 2.40): every column's name,
// value type and description, in util-linux HEAD's order, then nstool's
// own (left out with compat=head, as HEAD has none of them).
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
	t.NewColumn("HOLDER", 0, scols.Right)
	t.NewColumn("TYPE", 0, 0)
	t.NewColumn("DESCRIPTION", 0, 0)
	for _, c := range headColumns() {
		if c.extra && o.head {
			continue
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
