package mountinfo

import "strconv"

// Fields walks the blank-separated fields of one mount table line as
// libmount does, for every format it reads (mountinfo, fstab, mtab,
// swaps): a field ends at a space or a tab, blanks between fields are
// skipped, and a field's \NNN escapes are decoded (Unescape).
type Fields struct {
	rest string // what is left of the line, not yet read
}

// NewFields starts at the beginning of line (without its newline).
func NewFields(line string) Fields { return Fields{rest: line} }

// Rest is what is left of the line.
func (f *Fields) Rest() string { return f.rest }

// Empty reports whether nothing at all is left (not even a blank).
func (f *Fields) Empty() bool { return f.rest == "" }

// SkipBlanks skips spaces and tabs.
func (f *Fields) SkipBlanks() {
	i := 0
	for i < len(f.rest) && (f.rest[i] == ' ' || f.rest[i] == '\t') {
		i++
	}
	f.rest = f.rest[i:]
}

// Raw takes the text up to the next space or tab, as it is.
func (f *Fields) Raw() string {
	s, _ := f.field()
	return s
}

// Next takes the text up to the next space or tab, unescaped. It does not
// skip blanks first: at a blank it returns "".
func (f *Fields) Next() string {
	s, escaped := f.field()
	if escaped {
		return Unescape(s)
	}
	return s
}

// field takes the text up to the next space or tab, and says whether it
// holds a backslash (an escape to decode): one pass over each byte of a
// line, which matters at 16,000 lines.
func (f *Fields) field() (s string, escaped bool) {
	i := 0
	for ; i < len(f.rest); i++ {
		if c := f.rest[i]; c <= ' ' || c == '\\' {
			if c == ' ' || c == '\t' {
				break
			}
			escaped = escaped || c == '\\'
		}
	}
	s, f.rest = f.rest[:i], f.rest[i:]
	return s, escaped
}

// Int32 is libmount's next_s32: strtol(3) (leading white space, a sign,
// decimal digits; the value wrapped to 32 bits as C's int cast does), then
// the number must end at a blank or at the end of the line. ok is false
// when there are no digits, the number is followed by something else, or
// it overflows 64 bits; exact is false as well when the value does not fit
// 32 bits (libmount keeps the wrapped value).
func (f *Fields) Int32() (n int, ok, exact bool) {
	p := skipSpace(f.rest)
	i := 0
	if i < len(p) && (p[i] == '+' || p[i] == '-') {
		i++
	}
	j := i
	for j < len(p) && p[j] >= '0' && p[j] <= '9' {
		j++
	}
	if j == i {
		return 0, false, false // strtol read nothing: the line is left as it was
	}
	v, err := parseDecimal(p[:j])
	f.rest = p[j:]
	if err != nil || (f.rest != "" && f.rest[0] != ' ' && f.rest[0] != '\t') {
		return 0, false, false
	}
	return int(int32(v)), true, v == int64(int32(v))
}

// parseDecimal is strconv.ParseInt(s, 10, 64) for an optional sign and
// digits, without its generality for the short numbers of every line.
func parseDecimal(s string) (int64, error) {
	digits := s
	if s[0] == '+' || s[0] == '-' {
		digits = s[1:]
	}
	if len(digits) > 18 {
		return strconv.ParseInt(s, 10, 64) // may overflow: let strconv say
	}
	var v int64
	for i := 0; i < len(digits); i++ {
		v = v*10 + int64(digits[i]-'0')
	}
	if s[0] == '-' {
		v = -v
	}
	return v, nil
}

// skipSpace skips what isspace(3) calls space, as strtol and sscanf do.
func skipSpace(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	return s[i:]
}
