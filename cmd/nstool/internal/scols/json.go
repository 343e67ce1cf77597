package scols

import (
	"strings"
)

// jsonWriter writes JSON laid out as util-linux 2.38 does (lib/jsonwrt.c):
// three-space indents, one value per line, "},{" between objects.
type jsonWriter struct {
	p          *printer
	indent     int
	afterClose bool
}

const (
	jsonObject = iota
	jsonArray
	jsonValue
)

// jsonBrackets open and close an object and an array.
var jsonBrackets = [...]string{jsonObject: "{}", jsonArray: "[]"}

func (j *jsonWriter) writeIndent() {
	for i := 0; i < j.indent; i++ {
		j.p.w.WriteString("   ")
	}
}

func (j *jsonWriter) open(name string, named bool, kind int) {
	w := j.p.w
	if named {
		if j.afterClose {
			w.WriteString(",\n")
		}
		j.writeIndent()
		w.WriteString(jsonQuote(strings.ToLower(name)))
	} else {
		if j.afterClose {
			w.WriteString(",")
		} else {
			j.writeIndent()
		}
	}
	switch kind {
	case jsonObject, jsonArray:
		if named {
			w.WriteString(": ")
		}
		w.WriteByte(jsonBrackets[kind][0])
		w.WriteByte('\n')
		j.indent++
	case jsonValue:
		if named {
			w.WriteString(": ")
		} else {
			w.WriteString(" ")
		}
	}
	j.afterClose = false
}

func (j *jsonWriter) close(kind int) {
	w := j.p.w
	if j.indent == 1 {
		w.WriteString("\n}\n")
		j.indent--
		j.afterClose = true
		return
	}
	switch kind {
	case jsonObject, jsonArray:
		j.indent--
		w.WriteByte('\n')
		j.writeIndent()
		w.WriteByte(jsonBrackets[kind][1])
	}
	j.afterClose = true
}

func (j *jsonWriter) value(name, raw string) {
	j.open(name, true, jsonValue)
	j.p.w.WriteString(raw)
	j.afterClose = true
}

// jsonValueText is a cell's JSON text for its column type.
func jsonValueText(c *Column, data string) string {
	switch c.JSON {
	case Number:
		if data == "" {
			return "null"
		}
		return data
	case Boolean, BooleanOptional:
		if c.JSON == BooleanOptional && (data == "" || data == "-") {
			return "null"
		}
		if data == "" || data[0] == '0' || data[0] == 'N' || data[0] == 'n' {
			return "false"
		}
		return "true"
	default:
		if data == "" {
			return "null"
		}
		return jsonQuote(data)
	}
}

func (p *printer) printJSON() {
	t := p.t
	j := &jsonWriter{p: p}
	j.open("", false, jsonObject)
	j.open(t.Name, true, jsonArray)
	if len(t.lines) > 0 {
		if t.isTree() {
			for _, r := range t.roots {
				p.jsonTree(j, r)
			}
		} else {
			for _, l := range t.lines {
				j.open("", false, jsonObject)
				p.jsonCells(j, l)
				j.close(jsonObject)
			}
		}
	}
	j.close(jsonArray)
	j.close(jsonObject)
}

func (p *printer) jsonCells(j *jsonWriter, l *Line) {
	for _, c := range p.t.Columns {
		if c.has(Hidden) {
			continue
		}
		name := c.Name
		if p.t.ShellVar {
			name = c.ShellVarName()
		}
		if c.JSON == ArrayString {
			j.stringArray(name, p.cellText(l, c))
			continue
		}
		j.value(name, jsonValueText(c, p.cellText(l, c)))
	}
}

// stringArray writes "name": [ then, a level deeper on one line, each
// line of data as a string ("a", "b") or null for no data, then ].
func (j *jsonWriter) stringArray(name, data string) {
	j.open(name, true, jsonArray)
	j.writeIndent()
	if data == "" {
		j.p.w.WriteString(" null")
	}
	for i, s := range strings.Split(data, "\n") {
		if data == "" {
			break
		}
		if i > 0 {
			j.p.w.WriteString(",")
		}
		j.p.w.WriteString(" " + jsonQuote(s))
	}
	j.close(jsonArray)
}

// jsonTree writes l and its subtree: {cells, "children": [ ... ]}.
func (p *printer) jsonTree(j *jsonWriter, l *Line) {
	j.open("", false, jsonObject)
	p.jsonCells(j, l)
	if len(l.children) > 0 {
		j.open("children", true, jsonArray)
		for _, c := range l.children {
			p.jsonTree(j, c)
		}
		j.close(jsonArray)
	}
	j.close(jsonObject)
}
