package scols

import (
	"bufio"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/fatih/color"
)

// Tree characters: libsmartcols uses box drawing in a UTF-8 locale and
// ASCII elsewhere.
type symbols struct{ branch, vert, right, blank string }

var (
	asciiSymbols = symbols{branch: "|-", vert: "| ", right: "`-", blank: "  "}
	utf8Symbols  = symbols{branch: "├─", vert: "│ ", right: "└─", blank: "  "}
)

func (t *Table) symbols() symbols {
	if t.UTF8 && !t.ASCII {
		return utf8Symbols
	}
	return asciiSymbols
}

// glyphWidth is the width of each tree symbol, in both sets: the art in
// front of a line at depth d is 2*d cells wide.
const glyphWidth = 2

// printer holds one Print call's state.
type printer struct {
	t     *Table
	w     *bufio.Writer
	sym   symbols
	human bool

	// Human output: every cell encoded once (encodeAll). encW is each
	// cell's width, by line seq and column; the width of a tree column's
	// cell counts the art in front of it, the text does not hold it. enc
	// holds only the cells whose text the encoding (or a multi-line cell)
	// changed: the others are printed from the line, and a copy of every
	// cell's string would be 16 bytes more a cell (1 MB at 16,000 mounts).
	jsonKeys []string // by column: its quoted JSON key (printJSON)

	enc     map[int]string
	encSome []uint64 // a bit a cell: its text is in enc
	encW    []int32
	ncols   int

	// The tree art of the line being printed, kept while walking the tree
	// rather than drawn and stored for every line: pre holds the prefix
	// that the current line's ancestors leave to their descendants, and
	// preEnd[d] where the prefix of the last line seen at depth d ends.
	pre    []byte
	preEnd []int
	art    []byte // the current line's art
}

// Print writes the table to w. An empty table prints nothing, except an
// empty array in JSON; util-linux prints no header then either.
func (t *Table) Print(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64*1024)
	p := &printer{t: t, w: bw, sym: t.symbols(), human: t.Format == Human}
	if t.Format == JSON {
		p.printJSON()
		return bw.Flush()
	}
	if len(t.lines) == 0 {
		return nil
	}
	if p.human {
		p.encodeAll()
		p.calculate()
	}
	if !t.NoHeadings && !t.printed && t.Format != Pairs {
		p.printHeader()
	}
	t.printed = true
	tree := t.isTree()
	t.walk(func(l *Line) {
		if tree {
			p.drawArt(l)
		}
		p.printLine(l)
	})
	return bw.Flush()
}

// treeColumn reports whether c draws the tree in this output.
func (p *printer) treeColumn(c *Column) bool { return p.t.Tree && c.has(Tree) }

// artWidth is the width of the art in front of l's cell.
func artWidth(l *Line) int { return glyphWidth * int(l.depth) }

// drawArt makes p.art the tree drawing in front of l's cell (the
// ancestors' vertical lines, or blanks below a last child, and l's own
// branch) and p.pre what l's descendants inherit: called for each line in
// tree order, where l's parent is the last line seen one level up.
func (p *printer) drawArt(l *Line) {
	p.art = p.art[:0]
	d := int(l.depth)
	for len(p.preEnd) <= d {
		p.preEnd = append(p.preEnd, 0)
	}
	if l.parent == nil {
		p.pre, p.preEnd[0] = p.pre[:0], 0
		return
	}
	base := p.pre[:p.preEnd[d-1]]
	last := p.t.isLastChild(l)
	glyph, inherit := p.sym.branch, p.sym.vert
	if last {
		glyph, inherit = p.sym.right, p.sym.blank
	}
	p.art = append(append(p.art, base...), glyph...)
	p.pre = append(base, inherit...)
	p.preEnd[d] = len(p.pre)
}

// prefix is what the current line (drawArt) leaves to its descendants.
func (p *printer) prefix(l *Line) []byte {
	if l.parent == nil {
		return nil
	}
	return p.pre[:p.preEnd[l.depth]]
}

func (p *printer) cellText(l *Line, c *Column) string {
	if c.seq < len(l.Cells) {
		return l.Cells[c.seq].Data
	}
	return ""
}

// encodeAll encodes every cell once and draws the tree art.
func (p *printer) encodeAll() {
	t := p.t
	ncol := len(t.Columns)
	p.ncols = ncol
	p.encW = make([]int32, ncol*len(t.lines))
	for i, l := range t.lines {
		ew := p.encW[i*ncol : (i+1)*ncol : (i+1)*ncol]
		for _, c := range t.Columns {
			data := p.cellText(l, c)
			s := data
			if c.has(Wrap) && strings.IndexByte(s, '\n') >= 0 {
				s = p.encodeLines(l, c, s)
			}
			var w int
			if t.NoEncoding {
				w = textWidth(s)
			} else {
				s, w = safeEncode(s, t.UTF8)
			}
			ew[c.seq] = int32(w)
			if s != data {
				if p.enc == nil {
					p.enc = map[int]string{}
					p.encSome = make([]uint64, (len(p.encW)+63)/64)
				}
				k := i*ncol + c.seq
				p.enc[k] = s
				p.encSome[k/64] |= 1 << (k % 64)
			}
			// The art is nstool's own text (box drawing or ASCII, no
			// backslash), which the encoding keeps as it is: it is
			// printed in front of the encoded cell (printLine), and
			// counts in its width.
			if p.treeColumn(c) {
				ew[c.seq] += int32(artWidth(l))
			}
		}
	}
}

// cell is the encoded text of l's cell in column c, and its width.
func (p *printer) cell(l *Line, c *Column) (string, int) {
	i := l.seq*p.ncols + c.seq
	if p.encSome != nil && p.encSome[i/64]&(1<<(i%64)) != 0 {
		return p.enc[i], int(p.encW[i])
	}
	return p.cellText(l, c), int(p.encW[i])
}

// encodeLines keeps the second and later lines of a multi-line cell,
// encoded, in l.more and returns the first line.
func (p *printer) encodeLines(l *Line, c *Column, s string) string {
	lines := strings.Split(s, "\n")
	if l.more == nil {
		l.more = map[int][]chunk{}
	}
	more := make([]chunk, 0, len(lines)-1)
	for _, x := range lines[1:] {
		var ch chunk
		if p.t.NoEncoding {
			ch = chunk{x, textWidth(x)}
		} else {
			ch.s, ch.w = safeEncode(x, p.t.UTF8)
		}
		more = append(more, ch)
	}
	l.more[c.seq] = more
	return lines[0]
}

// cellWidth is the width of l's cell in c: its widest line.
func (p *printer) cellWidth(l *Line, c *Column) int {
	_, n := p.cell(l, c)
	if l.more != nil {
		for _, ch := range l.more[c.seq] {
			n = max(n, ch.w)
		}
	}
	return n
}

// printMore prints the further lines of l's multi-line cells, each under
// the line before: the cell's next line in its column, the other columns
// blank but for the tree's vertical lines (libsmartcols' pending data).
func (p *printer) printMore(l *Line) {
	for seq, m := range l.more {
		if c := p.t.Columns[seq]; len(m) > 0 && c.width > 0 && m[len(m)-1].w > c.width {
			l.more[seq] = append(m[:len(m)-1], splitWidth(m[len(m)-1], c.width)...)
		}
	}
	for k := 0; ; k++ {
		pending := false
		for _, m := range l.more {
			pending = pending || k < len(m)
		}
		if !pending {
			return
		}
		p.w.WriteByte('\n')
		for _, c := range p.t.Columns {
			if c.has(Hidden) {
				continue
			}
			if m := l.more[c.seq]; k < len(m) {
				p.pendingCell(c, m[k].s, m[k].w)
				continue
			}
			p.emptyCell(c, l, p.stillPending(l, c, k))
		}
	}
}

// splitWidth cuts the last line of a multi-line cell into lines as wide
// as its column: libsmartcols' print_pending_data prints the lines before
// a newline whole, but the last one (which no newline ends) truncated, and
// keeps the rest for the next line.
func splitWidth(ch chunk, width int) []chunk {
	var out []chunk
	for ch.w > width {
		s, w := truncate(ch.s, width)
		if s == "" { // a character wider than the column
			_, n := utf8.DecodeRuneInString(ch.s)
			s, w = ch.s[:n], runeWidth([]rune(ch.s[:n])[0])
		}
		out = append(out, chunk{s, w})
		ch = chunk{ch.s[len(s):], ch.w - w}
	}
	return append(out, ch)
}

// pendingCell prints a further line of a multi-line cell as libsmartcols'
// print_pending_data does: whole however wide, then padded to the
// column's width (no line of padding after a too wide one).
func (p *printer) pendingCell(c *Column, data string, n int) {
	p.w.WriteString(data)
	if p.t.isLast(c) {
		return
	}
	if n < c.width {
		p.w.WriteString(p.spaces(c.width - n))
	}
	p.w.WriteByte(' ')
}

// stillPending reports whether, when column c's blank cell of l's k-th
// further line is printed, a cell has lines left: one to the right of c
// that is still to print its k-th, or one to the left with more after it.
func (p *printer) stillPending(l *Line, c *Column, k int) bool {
	for seq, m := range l.more {
		if seq > c.seq && k < len(m) || seq < c.seq && k+1 < len(m) {
			return true
		}
	}
	return false
}

// emptyCell is a blank cell under a multi-line one: in the tree column the
// vertical lines of l's ancestors, and l's own when l has children and
// lines are still to come.
func (p *printer) emptyCell(c *Column, l *Line, pending bool) {
	n := 0
	if p.treeColumn(c) {
		p.w.Write(p.prefix(l))
		n = glyphWidth * int(l.depth)
		if pending && len(l.children) > 0 {
			p.w.WriteString(p.sym.vert)
			n += glyphWidth
		}
	}
	if p.t.isLast(c) {
		return
	}
	if n < c.width {
		p.w.WriteString(p.spaces(c.width - n))
	}
	p.w.WriteByte(' ')
}

func (p *printer) printHeader() {
	t := p.t
	for _, c := range t.Columns {
		if c.has(Hidden) {
			continue
		}
		name := c.Name
		if t.ShellVar {
			name = c.ShellVarName()
		}
		switch t.Format {
		case Raw:
			p.w.WriteString(rawEncode(name))
			if !t.isLast(c) {
				p.w.WriteByte(' ')
			}
		case Human:
			s, w := safeEncode(name, t.UTF8)
			p.humanCell(c, nil, s, w)
		}
	}
	p.w.WriteByte('\n')
}

func (p *printer) printLine(l *Line) {
	t := p.t
	for _, c := range t.Columns {
		if c.has(Hidden) {
			continue
		}
		switch t.Format {
		case Raw:
			s := p.cellText(l, c)
			if p.treeColumn(c) {
				s = string(p.art) + s
			}
			p.w.WriteString(rawEncode(s))
			if !t.isLast(c) {
				p.w.WriteByte(' ')
			}
		case Pairs:
			name := c.Name
			if t.ShellVar {
				name = c.ShellVarName()
			}
			s := p.cellText(l, c)
			if p.treeColumn(c) {
				// findmnt --tree -P: the art is part of the value
				s = string(p.art) + s
			}
			p.w.WriteString(name)
			p.w.WriteByte('=')
			p.w.WriteString(pairsQuote(s))
			if !t.isLast(c) {
				p.w.WriteByte(' ')
			}
		case Human:
			s, n := p.cell(l, c)
			if p.treeColumn(c) && len(p.art) > 0 {
				if c.has(Right) || n > c.width || p.t.Colors && p.cellColor(c, l) != nil {
					// cut, padded on the left or coloured as one text
					s = string(p.art) + s
				} else {
					p.w.Write(p.art)
				}
			}
			p.humanCell(c, l, s, n)
		}
	}
	if l.more != nil && t.Format == Human {
		p.printMore(l)
	}
	p.w.WriteByte('\n')
}

// humanCell prints one aligned cell (l is nil for the header): right
// aligned columns are padded on the left; the last column is not padded;
// too long data is truncated in Trunc columns, else the next column
// continues on a new line (only possible on a terminal).
func (p *printer) humanCell(c *Column, l *Line, data string, n int) {
	t := p.t
	width := c.width
	last := t.isLast(c)
	if last && n < width && !c.has(Right) {
		width = n
	}
	if n > width && c.has(Trunc) {
		// a Wrap column's (SOURCES) cells are cut only at their
		// newlines: a wider line pushes the next column down
		data, n = truncate(data, width)
	}
	colored := p.t.Colors && p.cellColor(c, l) != nil
	var b []byte
	if colored {
		b = make([]byte, 0, width+len(data))
	}
	emit := func(s string) {
		if colored {
			b = append(b, s...)
		} else {
			p.w.WriteString(s)
		}
	}
	if data != "" {
		if c.has(Right) {
			// libsmartcols counts a right-aligned cell as exactly as wide
			// as its column, even one that is wider: it never pushes the
			// next column to a new line
			if n < width {
				emit(p.spaces(width - n))
			}
			n = width
		}
		if c.URI != "" && l != nil {
			p.hyperlink(c, l, data, emit)
		} else {
			emit(data)
		}
	}
	if !last && n < width {
		emit(p.spaces(width - n))
	}
	if colored {
		p.writeColored(c, l, string(b))
	}
	if last {
		// libsmartcols' print_data returns after the last column's data:
		// too wide a last cell (findmnt -y's header "USE_PCT" over a
		// column sized for "USE%") runs on, with no line of padding
		return
	}
	if n > width && !c.has(Trunc) {
		p.newlinePadding(c, l)
	} else if !last {
		p.w.WriteByte(' ')
	}
}

// OSC 8, the terminal hyperlink: ESC ] 8 ; params ; URI ST text, then
// ESC ] 8 ; ; ST to end it (ST is ESC \).
const (
	osc8Start = "\x1b]8;;"
	osc8ST    = "\x1b\\"
)

// hyperlink emits the encoded cell data as a link to the column's URI
// followed by the cell's own text (a path, not encoded); the tree art in
// front of the text (when printLine put it into data) stays before the
// link, as libsmartcols does.
func (p *printer) hyperlink(c *Column, l *Line, data string, emit func(string)) {
	if p.treeColumn(c) && len(p.art) > 0 && strings.HasPrefix(data, string(p.art)) {
		emit(data[:len(p.art)])
		data = data[len(p.art):]
	}
	emit(osc8Start)
	emit(c.URI)
	emit(p.cellText(l, c))
	emit(osc8ST)
	emit(data)
	emit(osc8Start)
	emit(osc8ST)
}

var blanks = strings.Repeat(" ", 512)

// spaces returns n blanks.
func (p *printer) spaces(n int) string {
	if n <= len(blanks) {
		return blanks[:n]
	}
	return strings.Repeat(" ", n)
}

func (p *printer) cellColor(c *Column, l *Line) *color.Color {
	if l != nil && l.colors[c.seq] != nil {
		return l.colors[c.seq]
	}
	return c.Color
}

func (p *printer) writeColored(c *Column, l *Line, s string) {
	if col := p.cellColor(c, l); col != nil && s != "" {
		col.EnableColor()
		p.w.WriteString(col.Sprint(s))
		return
	}
	p.w.WriteString(s)
}

// newlinePadding ends the line after an overlong cell and fills the
// columns up to and including c with blanks (the tree column with its
// vertical lines), so that the next column starts where it belongs.
func (p *printer) newlinePadding(upto *Column, l *Line) {
	p.w.WriteByte('\n')
	// the tree column shows l's own vertical line when l has children and
	// a cell printed so far has lines to come (libsmartcols'
	// print_empty_cell, has_pending_data)
	pending := false
	if l != nil {
		for seq, m := range l.more {
			pending = pending || seq <= upto.seq && len(m) > 0
		}
	}
	for _, c := range p.t.Columns {
		if c.has(Hidden) {
			continue
		}
		if l != nil {
			p.emptyCell(c, l, pending)
		} else {
			p.w.WriteString(p.spaces(c.width))
			p.w.WriteByte(' ')
		}
		if c == upto {
			break
		}
	}
}

// truncate cuts encoded text to at most width cells.
func truncate(s string, width int) (string, int) {
	w := 0
	for i, r := range s {
		rw := runeWidth(r)
		if w+rw > width {
			return s[:i], w
		}
		w += rw
	}
	return s, w
}
