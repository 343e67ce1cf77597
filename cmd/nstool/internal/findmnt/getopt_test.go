package findmnt_test

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
)

// getoptLines are command lines drawn from getopt_long's rules, each run by
// util-linux findmnt and nstool's on this test's mount table: unique and
// ambiguous prefixes (possibilities in util-linux's longopts order),
// options anywhere (getopt permutes: `findmnt / -n`), clusters with
// required values attached or detached (-noTARGET, -nT /), "--", "-" and
// empty arguments (an empty -t matches no type, an empty -O every mount,
// an empty -d is no direction), values starting with '-', missing values, unknown
// options, values where none is allowed.
//
// --poll and --timeout are read and checked as util-linux does (their
// lists, numbers and conflicts): only lines on which util-linux fails
// before it polls are here (TestPollAsUtilLinux polls). -N's numbers are
// strtou32_or_err's, and -N and -F name tables in one list, in order.
//
// Left out, as nstool differs elsewhere: --help's text and -V's line;
// --id, --filter, --list-columns, --dfi, --hyperlink, which util-linux
// 2.38 lacks.
var getoptLines = []string{
	"--vfs -o VFS-OPTIONS /", "--vfs-all=1 /", "--targ / -o TARGET", "--output TARGET -T /", "--fi -T / -o TARGET", "--pa -T / -o TARGET",
	"--ty=proc -lno TARGET", "--noh -T / -o TARGET", "--tr -T / -o TARGET", "-T / -o TARGET,PROPAGATION --li",
	"--ta /", "--out=TARGET -T /", "--p", "--no", "--=x",
	"--bogus", "-Z", "--tree=1", "-o", "-t", "-N", "-d",
	"-T/ -oTARGET", "-no TARGET -T /", "-noTARGET -T /", "-nT / -o TARGET", "-lnt proc -o TARGET",
	"-ln -tproc -oTARGET", "-T / -Jo TARGET", "-T / -rn -o TARGET", "-T / -P -o TARGET",
	"/ -n -o TARGET", "-t proc -n -o TARGET -f", "-n -o TARGET -- /", "-n -o TARGET -- -T", "-T / -o TARGET -u --",
	"-", "-T '' -o TARGET", "-S ''", "-o -x", "-N x", "-d x -T /",
	"-t '' -l", "-t ''", "-t '' -R / -o TARGET", "-O '' -l -o TARGET", "-O '' -R / -o TARGET", "-O '' -f -S proc", "-d '' -T /", "-d '' -S proc",
	"-x -J", "-xl", "--verif -r", "--ver", "-x -P -F /nonexistent",
	"-w abc", "-w ''", "-w 10 -T / -o TARGET", "-lw5 -T /", "--timeout=5 -T /", "--time", "-w 2147483648", "-w ' 5' -T /", "-w '5 '", "-w 0x10",
	"-p -x", "-x -p", "-p -s", "-s -p", "-m -p -s", "-px", "--poll=foo", "--poll=mount,foo", "--poll=MOUNT,foo,bar", "--poll=", "--poll=mount,",
	"--poll=,mount", "--poll=,", "-p=mount", "-p -w abc", "-p -N 1 -N 1", "-p -F /a -F /b", "-p -o ACTION -F /a -N 1",
	"-N -1", "-N -0 -T /", "-N '1 '", "-N ' 1' -T /", "-N +1 -T /", "-N 4294967295", "-N 4294967296", "-N 18446744073709551616", "-N 1x",
	"-N 1 -N x", "-N x -N 1", "-F /nonexistent -N 4294967295", "-N 4294967295 -F /nonexistent",
	// conflicts and values are refused as getopt returns each option
	"-o FOO -N x", "-N x -d y", "-d y -N x", "-N y -w x", "-N x -J -r", "-J -r -N x", "-p -s -N x", "-d forward -d x", "-N 1 -N x -s",
	`-O 'x="y' -l -o TARGET`, `-O 'nosuch,x="y' -l -o TARGET`, `-O 'rw,"' -l -o TARGET`, // an unclosed quote ends -O's list
}

func TestGetoptAsUtilLinux(t *testing.T) {
	nsexectest.CompareLines(t, "findmnt", nsexectest.Tools(t, "findmnt"), strings.NewReplacer(), getoptLines)
}
