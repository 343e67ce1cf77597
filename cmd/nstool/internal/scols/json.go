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

// indentSpaces serves the indents of up to 32 levels in one write each.
var indentSpaces = strings.Repeat("   ", 32)

func (j *jsonWriter) writeIndent() {
	n := j.indent
	for ; n > 32; n -= 32 {
		j.p.w.WriteString(indentSpaces)
	}
	j.p.w.WriteString(indentSpaces[:3*n])
}

// jsonKey is a column name as a JSON key: lower case, quoted.
func jsonKey(name string) string { return jsonQuote(strings.ToLower(name)) }

// open starts a value, an object or an array; name is its key, as jsonKey
// makes it, when named.
func (j *jsonWriter) open(key string, named bool, kind int) {
	w := j.p.w
	if named {
		if j.afterClose {
			w.WriteString(",\n")
		}
		j.writeIndent()
		w.WriteString(key)
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

// value writes "key": and a cell's data as its column's JSON type.
func (j *jsonWriter) value(key string, c *Column, data string) {
	j.open(key, true, jsonValue)
	w := j.p.w
	switch c.JSON {
	case Number:
		if data == "" {
			data = "null"
		}
		w.WriteString(data)
	case Boolean, BooleanOptional:
		switch {
		case c.JSON == BooleanOptional && (data == "" || data == "-"):
			w.WriteString("null")
		case data == "" || data[0] == '0' || data[0] == 'N' || data[0] == 'n':
			w.WriteString("false")
		default:
			w.WriteString("true")
		}
	default:
		if data == "" {
			w.WriteString("null")
		} else {
			j.writeString(data)
		}
	}
	j.afterClose = true
}

// writeString writes s as jsonQuote does, without making the quoted copy
// when nothing in s needs escaping (a mount table: almost every cell).
func (j *jsonWriter) writeString(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			j.p.w.WriteString(jsonQuote(s))
			return
		}
	}
	w := j.p.w
	w.WriteByte('"')
	w.WriteString(s)
	w.WriteByte('"')
}

func (p *printer) printJSON() {
	t := p.t
	j := &jsonWriter{p: p}
	p.jsonKeys = make([]string, len(t.Columns))
	for _, c := range t.Columns {
		name := c.Name
		if t.ShellVar {
			name = c.ShellVarName()
		}
		p.jsonKeys[c.seq] = jsonKey(name)
	}
	j.open("", false, jsonObject)
	j.open(jsonKey(t.Name), true, jsonArray)
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
		if c.JSON == ArrayString {
			j.stringArray(p.jsonKeys[c.seq], p.cellText(l, c))
			continue
		}
		j.value(p.jsonKeys[c.seq], c, p.cellText(l, c))
	}
}

// stringArray writes "name": [ then, a level deeper on one line, each
// line of data as a string ("a", "b") or null for no data, then ].
func (j *jsonWriter) stringArray(key, data string) {
	j.open(key, true, jsonArray)
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
		j.open(`"children"`, true, jsonArray)
		for _, c := range l.children {
			p.jsonTree(j, c)
		}
		j.close(jsonArray)
	}
	j.close(jsonObject)
}
