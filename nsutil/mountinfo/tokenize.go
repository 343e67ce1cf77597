package mountinfo

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

var errFields = errors.New("too few fields")

// tokenize splits one mountinfo line (without its newline) as libmount
// (util-linux 2.38) does, and is the only place in nstool that does:
//
//   - the IDs are strtol(3) numbers ending at a blank, the device is
//     sscanf(3)'s "%u:%u" (leading blanks, signs, trailing text all pass);
//   - root, mount point and per-mount options are blank-separated words;
//   - the optional fields are whatever lies before the first " - ";
//   - after it the type, the source and the superblock options, all
//     three required; two spaces after the type mean an empty source
//     (the kernel prints the source it was given, and "" is one).
//
// tokenize fills m, which must be zero. ok is false when libmount rejects
// the line ("parse error at line N -- ignored"). A line libmount keeps may
// still be one the kernel never writes: quirk says what is wrong with it
// (a number that does not fit, text around the device number, a malformed
// optional field, a missing or extra field after the separator), and the
// strict reading refuses it.
func tokenize(line string, m *Mount) (quirk error, ok bool) {
	f := NewFields(line)
	var exact bool
	if m.ID, ok, exact = f.Int32(); !ok || f.Empty() {
		return nil, false
	}
	if !exact {
		quirk = errors.New("bad mount ID")
	}
	f.SkipBlanks()
	if m.Parent, ok, exact = f.Int32(); !ok || f.Empty() {
		return nil, false
	}
	if !exact && quirk == nil {
		quirk = errors.New("bad parent ID")
	}
	f.SkipBlanks()
	if m.Major, m.Minor, ok = scanMajMin(f.Rest()); !ok {
		return nil, false
	}
	// sscanf may have read past the word (it skips blanks after the
	// colon); libmount goes on after the word all the same.
	if dev := f.Raw(); quirk == nil && !isMajMin(dev) {
		quirk = fmt.Errorf("bad major:minor %q", dev)
	}
	f.SkipBlanks()
	m.Root = f.Next()
	f.SkipBlanks()
	m.Target = f.Next()
	f.SkipBlanks()
	m.VFSOptions = f.Next()

	rest := f.Rest()
	sep := strings.Index(rest, " - ")
	if sep < 0 {
		return nil, false
	}
	if sep > 1 {
		m.Optional = rest[1:sep] // rest[0] is the blank after the options
	}
	var perr error
	if m.Propagation, perr = parseOptional(m.Optional); perr != nil && quirk == nil {
		quirk = perr
	}

	f = NewFields(rest[sep+3:])
	f.SkipBlanks()
	m.FSType = f.Next()
	if f.Empty() {
		return nil, false
	}
	if !strings.HasPrefix(f.Rest(), "  ") {
		f.SkipBlanks()
		m.Source = f.Next()
	}
	f.SkipBlanks()
	m.FSOptions = f.Next()
	if m.FSOptions == "" {
		return nil, false // libmount wants the superblock options (the kernel always writes them)
	}
	if quirk == nil {
		f.SkipBlanks()
		if !f.Empty() {
			quirk = errFields
		}
	}
	return quirk, true
}

// scanMajMin is sscanf(s, "%u:%u").
func scanMajMin(s string) (major, minor uint32, ok bool) {
	major, rest, ok := scanUint32(s)
	if !ok || rest == "" || rest[0] != ':' {
		return 0, 0, false
	}
	minor, _, ok = scanUint32(rest[1:])
	return major, minor, ok
}

// scanUint32 is sscanf's %u: blanks, an optional sign, digits; a negative
// number wraps and one too big for 32 bits saturates, as glibc does.
func scanUint32(s string) (uint32, string, bool) {
	s = skipSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, s, false
	}
	var n uint64
	if i <= 19 { // cannot overflow 64 bits: no need of strconv
		for _, c := range []byte(s[:i]) {
			n = n*10 + uint64(c-'0')
		}
	} else if v, err := strconv.ParseUint(s[:i], 10, 64); err == nil {
		n = v
	} else {
		n = math.MaxUint64
	}
	v := uint32(min(n, math.MaxUint32))
	if neg {
		v = -v
	}
	return v, s[i:], true
}

// isMajMin reports whether dev is exactly what the kernel writes: two
// unsigned 32-bit decimals and a colon.
func isMajMin(dev string) bool {
	maj, min, ok := strings.Cut(dev, ":")
	return ok && isUint32(maj) && isUint32(min)
}

// isUint32 reports whether s is a decimal that fits 32 bits, without
// converting it (this runs for every line of a table).
func isUint32(s string) bool {
	if s == "" || len(s) > 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) < 10 || s <= "4294967295"
}
