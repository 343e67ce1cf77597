package mountinfo

import "strings"

// Unescape decodes the kernel's octal escapes (\NNN) in a mount table
// field. The kernel writes space, tab, newline and backslash in paths and
// sources as \040, \011, \012 and \134 (proc(5), fstab(5) asks the same of
// people); libmount's unmangle decodes any three octal digits. A backslash
// not followed by three octal digits is kept as it is.
func Unescape(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s // the common case: no allocation
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
