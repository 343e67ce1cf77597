package scols

// calculate sizes the columns as libsmartcols does. Off a terminal each
// column is as wide as its widest cell or header (or its absolute width
// hint); on a terminal the table is then fitted to the terminal width:
// columns with extreme cells shrink first, then Trunc columns wider than
// their share, then all Trunc columns, then all columns with a relative
// width hint; or the last column grows to fill the line.
func (p *printer) calculate() {
	t := p.t
	width := 0
	extremes := 0
	for _, c := range t.Columns {
		if c.has(Hidden) {
			continue
		}
		if !t.printed { // a later range keeps the statistics (Table.printed)
			c.widthMin, c.widthMax, c.widthAvg, c.extremeSum, c.extremeCount = 0, 0, 0, 0, 0
			c.widthTreeArt, c.isExtreme = 0, false
		}
		p.columnWidth(c)
		width += c.width
		if !t.isLast(c) {
			width++
		}
		if c.isExtreme {
			extremes++
		}
	}
	if !t.Terminal || t.TermWidth <= 0 {
		return
	}
	term := t.TermWidth

	if width > term && extremes > 0 {
		for _, c := range t.Columns {
			if !c.isExtreme || c.has(Hidden) {
				continue
			}
			org := c.width
			p.columnWidth(c)
			if org > c.width {
				width -= org - c.width
			} else {
				extremes--
			}
		}
	}

	if width < term {
		if extremes > 0 {
			for _, c := range t.Columns {
				if !c.isExtreme || c.has(Hidden) {
					continue
				}
				add := term - width
				if add > 0 && c.width+add > c.widthMax {
					add = c.widthMax - c.width
				}
				c.width += add
				width += add
				if width == term {
					break
				}
			}
		}
		if width < term {
			last := t.lastColumn()
			if last != nil && !last.has(Right) {
				last.width += term - width
				width = term
			}
		}
	}

	for stage := 1; width > term && stage <= 3; {
		org := width
		for _, c := range t.Columns {
			if c.has(Hidden) {
				continue
			}
			if width <= term {
				break
			}
			if c.width == c.widthMin {
				continue
			}
			if c.has(Tree) && t.Tree && width <= c.widthTreeArt {
				continue
			}
			if c.width == 0 {
				continue
			}
			// a Wrap column wraps at newlines (a custom wrap, in
			// libsmartcols' words), which is not truncation
			trunc := c.has(Trunc)
			relative := c.WidthHint > 0 && c.WidthHint < 1
			switch stage {
			case 1:
				if trunc && relative && c.width >= int(c.WidthHint*float64(term)) {
					c.width--
					width--
				}
			case 2:
				if trunc {
					c.width--
					width--
				}
			case 3:
				if relative {
					c.width--
					width--
				}
			}
			if c.width == 0 {
				c.Flags |= Hidden
			}
		}
		if org == width {
			stage++
		}
	}
}

// columnWidth is libsmartcols' count_column_width: the widest cell, at
// least the header; NoExtremes columns remember the average so that a
// second call can ignore cells wider than twice the average.
func (p *printer) columnWidth(c *Column) {
	t := p.t
	c.width = 0
	noHeader := t.NoHeadings && t.HiddenHeadersNarrow
	if c.widthMin == 0 {
		if !noHeader {
			_, c.widthMin = safeEncode(c.Name, t.UTF8)
		}
		if c.widthMin == 0 {
			c.widthMin = 1
		}
	}
	for _, l := range t.lines {
		n := p.cellWidth(l, c)
		if n > c.widthMax {
			c.widthMax = n
		}
		if c.isExtreme && c.widthAvg > 0 && n > c.widthAvg*2 {
			continue
		}
		if c.has(NoExtremes) {
			c.extremeSum += n
			c.extremeCount++
		}
		if n > c.width {
			c.width = n
		}
		if p.treeColumn(c) {
			if a := artWidth(l); a > c.widthTreeArt {
				c.widthTreeArt = a
			}
		}
	}
	if c.extremeCount > 0 && c.widthAvg == 0 {
		c.widthAvg = c.extremeSum / c.extremeCount
		if c.widthAvg > 0 && c.widthMax > c.widthAvg*2 {
			c.isExtreme = true
		}
	}
	hint := int(c.WidthHint)
	if c.width < c.widthMin && !c.has(StrictWidth) {
		c.width = c.widthMin
	} else if c.WidthHint >= 1 && c.width < hint && c.widthMin < hint {
		c.width = hint
	}
	if noHeader && c.widthMax == 0 && c.widthMin == 1 && c.width <= 1 {
		c.width, c.widthMin = 0, 0
	}
}
