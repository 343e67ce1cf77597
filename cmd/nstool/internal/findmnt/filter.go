package findmnt

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// -Q/--filter: libsmartcols' filter expressions (util-linux 2.40):
//
//	FSTYPE == "ext4" && (TARGET =~ "^/srv" or not OPTIONS =~ "\<ro\>")
//	ID > 30 and PROPAGATION != "private"
//
// Operators: == != < <= > >= (or eq ne lt le gt ge), =~ and !~ (POSIX
// extended regular expressions), && || ! (or and/AND or/OR not/NOT),
// parentheses. As in libsmartcols, "and" and "or" have the same
// precedence and group from the left. A column alone is true when it has
// a value. Number columns (ID, PARENT, TID, ... and sizes with --bytes)
// compare as numbers.

type filterNode interface {
	eval(get func(col *column) string) bool
}

type filterParam struct {
	col    *column // a column holder, or
	str    string  // a literal
	num    float64
	isNum  bool
	isBool bool
	b      bool
}

type filterBin struct {
	op      string
	l, r    *filterParam
	re      *regexp.Regexp
	numeric bool
}

type filterLogic struct {
	and  bool
	l, r filterNode
}

type filterNot struct{ x filterNode }

type filterBare struct{ p *filterParam }

type filterError struct{ msg string }

func (e *filterError) Error() string { return e.msg }

// parseFilter parses expr; holders are resolved through lookup, which
// returns nil for an unknown column name.
func parseFilter(expr string, lookup func(string) *column, bytes bool) (filterNode, []string, error) {
	toks, err := lexFilter(expr)
	if err != nil {
		return nil, nil, err
	}
	p := &filterParser{toks: toks, lookup: lookup, bytes: bytes}
	n, err := p.expr()
	if err != nil {
		return nil, nil, err
	}
	if p.pos < len(p.toks) {
		return nil, nil, &filterError{"syntax error"}
	}
	return n, p.unknown, nil
}

type ftok struct {
	kind string // "(", ")", "and", "or", "not", "op", "str", "num", "id", "bool"
	val  string
}

func lexFilter(s string) ([]ftok, error) {
	var toks []ftok
	isID := func(c byte, first bool) bool {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return true
		}
		return !first && (c >= '0' && c <= '9' || strings.IndexByte("_.%:/-", c) >= 0)
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')':
			toks = append(toks, ftok{kind: string(c)})
			i++
		case strings.HasPrefix(s[i:], "&&"):
			toks = append(toks, ftok{kind: "and"})
			i += 2
		case strings.HasPrefix(s[i:], "||"):
			toks = append(toks, ftok{kind: "or"})
			i += 2
		case strings.HasPrefix(s[i:], "=="), strings.HasPrefix(s[i:], "!="), strings.HasPrefix(s[i:], "<="),
			strings.HasPrefix(s[i:], ">="), strings.HasPrefix(s[i:], "=~"), strings.HasPrefix(s[i:], "!~"):
			toks = append(toks, ftok{kind: "op", val: s[i : i+2]})
			i += 2
		case c == '<' || c == '>':
			toks = append(toks, ftok{kind: "op", val: string(c)})
			i++
		case c == '!':
			toks = append(toks, ftok{kind: "not"})
			i++
		case c == '"' || c == '\'':
			j := strings.IndexAny(s[i+1:], string(c)+"\n")
			if j < 0 || s[i+1+j] != c {
				return nil, &filterError{"syntax error"}
			}
			toks = append(toks, ftok{kind: "str", val: s[i+1 : i+1+j]})
			i += j + 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			// a size suffix: 10K, 2GiB
			if j < len(s) && strings.IndexByte("KMGTPEZY", s[j]) >= 0 {
				k := j + 1
				if strings.HasPrefix(s[k:], "iB") {
					k += 2
				}
				n, err := strconv.ParseFloat(s[i:j], 64)
				if err != nil {
					return nil, &filterError{fmt.Sprintf("%q token error", s[i:k])}
				}
				n *= float64(uint64(1) << (10 * uint(strings.IndexByte("KMGTPEZY", s[j])+1)))
				toks = append(toks, ftok{kind: "num", val: strconv.FormatFloat(n, 'f', -1, 64)})
				i = k
				continue
			}
			toks = append(toks, ftok{kind: "num", val: s[i:j]})
			i = j
		case isID(c, true):
			j := i + 1
			for j < len(s) && isID(s[j], false) {
				j++
			}
			toks = append(toks, wordToken(s[i:j]))
			i = j
		default:
			return nil, &filterError{"syntax error"}
		}
	}
	return toks, nil
}

// filterWords are the words of libsmartcols' filter language, in lower or
// upper case (not mixed): the logical operators, the letter forms of the
// comparisons, and the booleans. Any other word names a column. (Static
// data: nstool does no work at start-up for a command it does not run.)
var filterWords = [...]struct {
	lower, upper string
	tok          ftok
}{
	{"and", "AND", ftok{kind: "and"}}, {"or", "OR", ftok{kind: "or"}}, {"not", "NOT", ftok{kind: "not"}},
	{"eq", "EQ", ftok{kind: "op", val: "=="}}, {"ne", "NE", ftok{kind: "op", val: "!="}},
	{"lt", "LT", ftok{kind: "op", val: "<"}}, {"le", "LE", ftok{kind: "op", val: "<="}},
	{"gt", "GT", ftok{kind: "op", val: ">"}}, {"ge", "GE", ftok{kind: "op", val: ">="}},
	{"true", "TRUE", ftok{kind: "bool", val: "true"}}, {"false", "FALSE", ftok{kind: "bool", val: "false"}},
}

// wordToken is the token of the word w: a word of the language, or a
// column name.
func wordToken(w string) ftok {
	for _, fw := range filterWords {
		if w == fw.lower || w == fw.upper {
			return fw.tok
		}
	}
	return ftok{kind: "id", val: w}
}

type filterParser struct {
	toks    []ftok
	pos     int
	lookup  func(string) *column
	bytes   bool
	unknown []string
}

func (p *filterParser) peek() *ftok {
	if p.pos < len(p.toks) {
		return &p.toks[p.pos]
	}
	return nil
}

// expr := unary (("and"|"or") unary)*   — one level, left to right
func (p *filterParser) expr() (filterNode, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t == nil || (t.kind != "and" && t.kind != "or") {
			return l, nil
		}
		p.pos++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = &filterLogic{and: t.kind == "and", l: l, r: r}
	}
}

func (p *filterParser) unary() (filterNode, error) {
	t := p.peek()
	if t == nil {
		return nil, &filterError{"syntax error"}
	}
	if t.kind == "not" {
		p.pos++
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &filterNot{x}, nil
	}
	if t.kind == "(" {
		p.pos++
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if t := p.peek(); t == nil || t.kind != ")" {
			return nil, &filterError{"syntax error"}
		}
		p.pos++
		return x, nil
	}
	l, err := p.param()
	if err != nil {
		return nil, err
	}
	t = p.peek()
	if t == nil || t.kind != "op" {
		return &filterBare{l}, nil
	}
	p.pos++
	r, err := p.param()
	if err != nil {
		return nil, err
	}
	b := &filterBin{op: t.val, l: l, r: r}
	if b.op == "=~" || b.op == "!~" {
		src := r.str
		if r.col != nil {
			return nil, &filterError{"regular expression must be a string"}
		}
		re, err := regexp.Compile(posixToRE2(src))
		if err != nil {
			return nil, &filterError{fmt.Sprintf("failed to compile regex: %v", err)}
		}
		b.re = re
	}
	b.numeric = p.isNumeric(l) || p.isNumeric(r)
	return b, nil
}

func (p *filterParser) isNumeric(x *filterParam) bool {
	if x.col != nil {
		return x.col.kind == "integer" || (x.col.kind == "size" && p.bytes)
	}
	return false
}

func (p *filterParser) param() (*filterParam, error) {
	t := p.peek()
	if t == nil {
		return nil, &filterError{"syntax error"}
	}
	p.pos++
	switch t.kind {
	case "str":
		return &filterParam{str: t.val}, nil
	case "num":
		n, _ := strconv.ParseFloat(t.val, 64)
		return &filterParam{str: t.val, num: n, isNum: true}, nil
	case "bool":
		return &filterParam{isBool: true, b: t.val == "true"}, nil
	case "id":
		c := p.lookup(t.val)
		if c == nil {
			p.unknown = append(p.unknown, t.val)
			c = &column{name: t.val, kind: "string", get: func(*runCtx, *fsEntry) string { return "" }}
		}
		return &filterParam{col: c}, nil
	}
	return nil, &filterError{"syntax error"}
}

// posixToRE2 turns the GNU word boundaries \< and \> of POSIX regular
// expressions into RE2's \b.
func posixToRE2(s string) string {
	s = strings.ReplaceAll(s, `\<`, `\b`)
	return strings.ReplaceAll(s, `\>`, `\b`)
}

func (x *filterParam) value(get func(*column) string) string {
	if x.col != nil {
		return get(x.col)
	}
	if x.isBool {
		if x.b {
			return "1"
		}
		return "0"
	}
	return x.str
}

func (n *filterBare) eval(get func(*column) string) bool {
	if n.p.isBool {
		return n.p.b
	}
	v := n.p.value(get)
	if n.p.isNum {
		return n.p.num != 0
	}
	if n.p.col != nil && n.p.col.kind == "integer" {
		f, err := strconv.ParseFloat(v, 64)
		return err == nil && f != 0
	}
	return v != ""
}

func (n *filterNot) eval(get func(*column) string) bool { return !n.x.eval(get) }

func (n *filterLogic) eval(get func(*column) string) bool {
	if n.and {
		return n.l.eval(get) && n.r.eval(get)
	}
	return n.l.eval(get) || n.r.eval(get)
}

func (n *filterBin) eval(get func(*column) string) bool {
	lv, rv := n.l.value(get), n.r.value(get)
	switch n.op {
	case "=~":
		return n.re.MatchString(lv)
	case "!~":
		return !n.re.MatchString(lv)
	}
	var cmp int
	if n.numeric {
		lf, err1 := strconv.ParseFloat(lv, 64)
		rf, err2 := strconv.ParseFloat(rv, 64)
		if err1 != nil || err2 != nil {
			// an empty number (no value) equals nothing
			return n.op == "!="
		}
		switch {
		case lf < rf:
			cmp = -1
		case lf > rf:
			cmp = 1
		}
	} else {
		cmp = strings.Compare(lv, rv)
	}
	switch n.op {
	case "==":
		return cmp == 0
	case "!=":
		return cmp != 0
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	case ">=":
		return cmp >= 0
	}
	return false
}
