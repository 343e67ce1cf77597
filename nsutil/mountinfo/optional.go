package mountinfo

import (
	"fmt"
	"strings"
)

// The optional fields (7) of a mountinfo line are zero or more words
// "tag[:value]" before the " - " separator (proc(5)): shared:N, master:N,
// propagate_from:N and unbindable today. Readers must ignore tags they do
// not know.

// parseOptional decodes the optional fields into p. It decodes every
// well-formed field and returns the first malformed one as an error (a
// tag this package knows with a value that is no positive number).
func parseOptional(optional string) (p Propagation, err error) {
	if !isASCII(optional) {
		// strings.Fields also splits at Unicode's spaces
		for _, f := range strings.Fields(optional) {
			p.decode(f, &err)
		}
		return p, err
	}
	for f, rest := nextWord(optional); f != ""; f, rest = nextWord(rest) {
		p.decode(f, &err)
	}
	return p, err
}

// decode takes one optional field "tag[:value]" into p; a malformed one
// is kept in *err unless an earlier one is.
func (p *Propagation) decode(f string, err *error) {
	tag, val, _ := strings.Cut(f, ":")
	var dst *int
	switch tag {
	case "shared":
		dst = &p.PeerGroup
	case "master":
		dst = &p.Master
	case "propagate_from":
		dst = &p.PropagateFrom
	case "unbindable":
		p.Unbindable = true
		return
	default:
		return
	}
	n, ok := positive(val)
	if !ok {
		if *err == nil {
			*err = fmt.Errorf("bad optional field %q", f)
		}
		return
	}
	*dst = n
}

// nextWord cuts the first word of the optional fields from s, as
// strings.Fields splits text that is all ASCII (the kernel writes nothing
// else): rest is what follows it, word "" when none is left.
func nextWord(s string) (word, rest string) {
	i := 0
	for i < len(s) && isASCIISpace(s[i]) {
		i++
	}
	j := i
	for j < len(s) && !isASCIISpace(s[j]) {
		j++
	}
	return s[i:j], s[j:]
}

// isASCII reports whether every byte of s is below 0x80.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// isASCIISpace is what strings.Fields splits ASCII text at.
func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// positive is strconv.Atoi for a number that must be above zero: an
// optional plus sign and decimal digits (a minus sign makes no positive
// number), read by parseDecimal.
func positive(s string) (int, bool) {
	digits := strings.TrimPrefix(s, "+")
	if digits == "" {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	v, err := parseDecimal(digits)
	return int(v), err == nil && v > 0
}

// OptionalValue is the value of the first optional field "tag:VALUE", as
// written (findmnt's PEER-GROUP and MASTER columns show "x" for a
// malformed "shared:x"), or "".
func OptionalValue(optional, tag string) string {
	for f := range strings.FieldsSeq(optional) {
		if v, ok := strings.CutPrefix(f, tag); ok && v != "" && v[0] == ':' {
			return v[1:]
		}
	}
	return ""
}

// LibmountFlags is libmount's reading of the optional fields
// (mnt_fs_get_propagation): it looks for the substrings "shared:",
// "master:" and "unbindable" anywhere in the text, so a malformed
// "shared:x" still makes the mount shared.
func LibmountFlags(optional string) Flags {
	return Flags{
		Shared:     strings.Contains(optional, "shared:"),
		Slave:      strings.Contains(optional, "master:"),
		Unbindable: strings.Contains(optional, "unbindable"),
	}
}
