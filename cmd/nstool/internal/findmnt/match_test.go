package findmnt_test

import (
	"strings"
	"testing"
)

// TestOptionsMatchAsUtilLinux: -O on an fstab entry with no options field
// is libmount's mnt_match_options(NULL, PATTERN): the lookup of the first
// option fails, so nothing but a pattern with no option at all ("", ",")
// matches it, not even "noro"; -i shows exactly those entries. The same
// with -t, --verify and the other outputs.
func TestOptionsMatchAsUtilLinux(t *testing.T) {
	table := writeTable(t, "/dev/nstool-a /nstool-z ext4\n"+
		"/dev/nstool-b /nstool-y ext4 rw 0 0\n"+
		"/dev/nstool-c /nstool-x xfs \t\n"+
		"/dev/nstool-d /nstool-w ext4 defaults\n"+
		"/dev/nstool-e /nstool-v ext4 ro,noexec\n")
	for _, filter := range [][]string{
		{"-O", "noro"}, {"-O", "ro"}, {"-O", "rw"}, {"-O", "+noro"}, {"-O", ""}, {"-O", ","}, {"-O", ",noro"},
		{"-O", "noexec"}, {"-O", "nodefaults"}, {"-O", "defaults"}, {"-O", `x="y,ro`}, {"-O", `noro,x="y`},
		{"-O", "noro", "-t", "ext4"}, {"-O", "noro", "-t", "noxfs"}, {"-t", "xfs", "-O", "nox"}, {"-t", "ext4"},
	} {
		for _, mode := range [][]string{{"-l"}, {"-l", "-i"}, {"-J"}, {"-x"}, {"-x", "-i", "--verbose"}} {
			args := append(append(append([]string{}, mode...), filter...), "-F", table)
			t.Run(strings.Join(args[:len(args)-2], " "), func(t *testing.T) { sameAsUtilLinux(t, args...) })
		}
	}
}
