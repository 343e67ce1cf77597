package nsutil

import (
	"fmt"
	"strings"
)

// flagName names one bit of a system call's flags argument.
type flagName struct {
	flag uintptr
	name string
}

// formatFlags renders flags as strace does, "A|B|0x40" with unknown bits in
// hex, or "0" when none is set. names gives the order.
func formatFlags(flags uintptr, names []flagName) string {
	var parts []string
	for _, f := range names {
		if flags&f.flag != 0 {
			parts = append(parts, f.name)
			flags &^= f.flag
		}
	}
	if flags != 0 {
		parts = append(parts, fmt.Sprintf("%#x", flags))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, "|")
}
