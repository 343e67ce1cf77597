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
// Left out, as nstool differs elsewhere: --help's text and -V's line;
// --poll, which nstool lacks, and --id, --filter, --list-columns, --dfi,
// --hyperlink, which util-linux 2.38 lacks.
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
}

func TestGetoptAsUtilLinux(t *testing.T) {
	nsexectest.CompareLines(t, "findmnt", nsexectest.Tools(t, "findmnt"), strings.NewReplacer(), getoptLines)
}
