package mount_test

import (
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd/mountcmdtest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// getoptLines are mount command lines ($M) drawn from getopt_long's rules,
// each run by util-linux mount and nstool's on the same fresh tree ("a" a
// tmpfs, "b" a directory), comparing exit code, stdout, stderr and the mount
// table left: unique prefixes (--make-p), ambiguous ones with util-linux's
// possibilities in its longopts order (--r lists --read-only, not its
// alias --ro), aliases (--ro, --rw), options anywhere (getopt permutes),
// clusters with values attached or detached, -m's optional argument only
// attached, "--", missing values, unknown options, values where none is
// allowed.
//
// Left out, as nstool differs elsewhere: --help's text; the options
// util-linux 2.38 has and nstool lacks (-l, -L, -U, -N, --source,
// --target, -V: issue 11), and `mount -- a` (an fstab lookup).
var getoptLines = []string{
	"$M --make-p a", "$M --make-sh a", "$M --make-rsl a", "$M --make-runb a", "$M a --make-shared",
	"$M --make-s a", "$M --make-rs a", "$M --ma a", "$M --make", "$M --r", "$M --r=x", "$M --read", "$M --=x",
	"$M --ro=1", "$M --make-pr=1 a", "$M --bogus", "$M --bogus=1 a", "$M -x", "$M -Bx a b",
	"$M -t", "$M --types", "$M --ty", "$M -o", "$M --opt", "$M -t tmpfs x b -o",
	"$M --bi a b", "$M -B a b", "$M --rb a b", "$M --mo a b", "$M --bind -- a b", "$M a b --bind",
	"$M --ty tmpfs x b", "$M --ty=tmpfs x b", "$M -ttmpfs x b", "$M -t tmpfs -o size=1m x b",
	"$M -osize=1m,mode=700 -ttmpfs x b", "$M -t tmpfs x b -o ro", "$M -t tmpfs -- x b",
	"$M --ro -t tmpfs x b", "$M -r -t tmpfs x b", "$M -rw -t tmpfs x b", "$M --rw -t tmpfs x b",
	"$M --read-w -t tmpfs x b", "$M --read-o -t tmpfs x b", "$M -rt tmpfs x b", "$M -t tmpfs -rB a b",
	"$M -m -t tmpfs x new", "$M -m0700 -t tmpfs x new", "$M --mkdir=0700 -t tmpfs x new", "$M --mk -t tmpfs x new",
	"$M -t tmpfs -o ro,size=1m -o remount b",
}

func TestGetoptAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	for _, line := range getoptLines {
		t.Run(line, func(t *testing.T) {
			mountcmdtest.Compare(t, "mkdir a b; mount -t tmpfs a a", line)
		})
	}
}
