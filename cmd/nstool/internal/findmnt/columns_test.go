package findmnt_test

import (
	"strings"
	"testing"
)

// names is n times name, comma-separated.
func names(name string, n int) string {
	return strings.TrimSuffix(strings.Repeat(name+",", n), ",")
}

// TestColumnLimitAsUtilLinux: -o fills an array of twice as many column
// IDs as findmnt has columns (2.38.1: 27, so 54; HEAD: 32, so 64; nstool's
// own columns do not count), the defaults first with "+". What follows a
// full array, even an empty or unknown name, fails with exit 1 and no
// message (string_to_idarray's -2).
func TestColumnLimitAsUtilLinux(t *testing.T) {
	table := writeTable(t, smallTable)
	for _, list := range []string{
		names("TARGET", 54), names("TARGET", 55), names("target", 53) + ",FOO", names("TARGET", 54) + ",FOO",
		names("TARGET", 54) + ",,", names("TARGET", 54) + ",", names("TARGET", 53) + ",", names("PEER-GROUP", 54),
		"+" + names("ID", 50), "+" + names("ID", 51), "+" + names("ID", 50) + ",", "+" + names("ID", 51) + ",FOO",
	} {
		for _, extra := range [][]string{{"-l"}, {"-D"}, {"--output-all", "-J"}, {"-P"}} {
			args := append(append([]string{"-F", table}, extra...), "-o", list)
			if strings.Contains(list, "PEER-GROUP") { // nstool's own: util-linux says "unknown column"
				if r := runNstool(t, "C", args); r.rc != 0 || r.stderr != "" {
					t.Errorf("findmnt %q: %v", args, r)
				}
				continue
			}
			t.Run(strings.Join(extra, " ")+" "+list[:min(len(list), 20)]+"/"+list[max(0, len(list)-8):], func(t *testing.T) {
				sameAsUtilLinux(t, args...)
			})
		}
	}
	t.Setenv("NSTOOL_FINDMNT_COMPAT", "head")
	for list, rc := range map[string]int{
		names("TARGET", 64): 0, names("TARGET", 65): 1, names("TARGET", 64) + ",FOO": 1, "+" + names("ID", 60): 0, "+" + names("ID", 61): 1,
	} {
		r := runNstool(t, "C", []string{"-F", table, "-l", "-o", list})
		if r.rc != rc || r.stderr != "" || (rc == 1) != (r.stdout == "") {
			t.Errorf("compat=head: -o of %d names: %v, want exit %d and nothing on stderr", strings.Count(list, ",")+1, r, rc)
		}
	}
}
