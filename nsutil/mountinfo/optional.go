package mountinfo

import (
	"fmt"
	"strconv"
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
	for f := range strings.FieldsSeq(optional) {
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
			continue
		default:
			continue
		}
		n, perr := strconv.Atoi(val)
		if perr != nil || n <= 0 {
			if err == nil {
				err = fmt.Errorf("bad optional field %q", f)
			}
			continue
		}
		*dst = n
	}
	return p, err
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
