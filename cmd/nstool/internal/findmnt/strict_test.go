package findmnt_test

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
)

// -F reads a table as strictly as libmount: a mountinfo line without its
// superblock options and an fstab line without source, target or type are
// parse errors ("parse error at line N -- ignored"), and a table left with
// nothing to show exits 1.
func TestTabFileStrictAsUtilLinux(t *testing.T) {
	tools := nsexectest.Tools(t, "findmnt")
	for name, text := range map[string]string{
		"mountinfo, one line without superblock options": "20 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n21 20 0:20 / /proc rw,nosuid - proc proc\n",
		"mountinfo, no line with them":                   "20 1 254:0 / / rw,relatime - ext4 /dev/vda\n",
		"mountinfo, a blank after the source":            "20 1 254:0 / / rw - ext4 /dev/vda \n21 20 0:20 / /proc rw - proc proc rw\n",
		"fstab, one field":                               "tmpfs\n",
		"fstab, two fields":                              "tmpfs /tmp\n",
		"fstab, three fields":                            "tmpfs /tmp tmpfs\n",
		"fstab, good and short lines":                    "/dev/sda1 / ext4 defaults 0 1\ntmpfs /tmp\n# comment\nproc /proc proc defaults\n",
	} {
		t.Run(name, func(t *testing.T) {
			table := writeTable(t, text)
			for _, args := range [][]string{{}, {"-l"}, {"-s"}, {"-J"}, {"-x"}} {
				nsexectest.Compare(t, "findmnt", tools, privateBlkid(t), append(args, "-F", table)...)
			}
		})
	}
}

// A loop in the parent IDs (which only a hand-made file can hold) makes
// util-linux 2.38.1 recurse until it crashes; nstool shows every mount
// once, the loop's first mount in the file a root of its own.
func TestParentLoop(t *testing.T) {
	table := writeTable(t, "20 1 254:0 / / rw - ext4 /dev/vda rw\n21 22 0:20 / /a rw - proc proc rw\n22 21 0:20 / /b rw - proc proc rw\n")
	for args, want := range map[string]string{
		"":   "TARGET SOURCE   FSTYPE OPTIONS\n/      /dev/vda ext4   rw\n/a     proc     proc   rw\n`-/b   proc     proc   rw\n",
		"-l": "TARGET SOURCE   FSTYPE OPTIONS\n/      /dev/vda ext4   rw\n/a     proc     proc   rw\n/b     proc     proc   rw\n",
	} {
		r := runNstool(t, "C", append(strings.Fields(args), "-F", table))
		if r.rc != 0 || r.stdout != want || r.stderr != "" {
			t.Errorf("findmnt %s on a parent loop: %v\nwant\n%s", args, r, want)
		}
	}
}
