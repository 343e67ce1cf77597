package unshare

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// getoptLines are command lines drawn from getopt_long's rules, each run by
// util-linux unshare and nstool (cli.Getopt, and the early start's reading
// in cmd/nstool/internal/early/scan.go): unique prefixes of long options,
// ambiguous ones (the possibilities in util-linux's longopts order, names
// nstool lacks included), required arguments attached, detached, missing,
// empty or starting with '-', long options without an argument given one,
// unshare's letters without optional arguments (-mu is -m -u), clusters,
// "--", "-" and "" as the program, the program's own options.
//
// Left out, as nstool differs on purpose or elsewhere: nstool's own
// --explain, which takes a prefix where util-linux has no option (--e);
// --help's text; -V's line (nstool's name).
var getoptLines = []string{
	// long options by unique prefix, attached and detached
	"-m --propa=shared findmnt -no PROPAGATION /",
	"-m --propagation shared findmnt -no PROPAGATION /",
	"--mount --propa slave findmnt -no PROPAGATION /",
	"--map-r id -u", "--map-c id -u", "--setu=0 id -u", "--setu 0 id -u",
	"--f true", "--fork true", "--ke echo ok", "--kill=SIGKILL echo ok", "-m --mount-pr echo ok",
	"--w=/tmp pwd", "--w /tmp pwd", "--wd=/tmp pwd", "--ro=/ pwd",
	// ambiguous prefixes, with and without a value
	"--mou --propa slave true", "--mou=x true", "--m true", "--ma", "--ma=0 true", "--map-u=0 true",
	"--se", "--k echo ok", "--u true", "--=x",
	// unknown options, values where none is allowed, missing values
	"--bogus", "--bogus=1 true", "-x", "-m -x true", "-mux true", "--fork=1 true", "--fo=1 true",
	"-m --propa", "--pro", "-S", "--setuid", "-m -w",
	// short options: required values attached, detached, odd
	"-S0 id -u", "-S 0 id -u", "-S=0 id -u", "-w /tmp pwd", "-w/tmp pwd", "-R/ pwd",
	"-w -- pwd", "-w -m pwd",
	// clusters: unshare's letters take no optional argument
	"-mu true", "-fp echo x", "-mufp echo x", "-U -r id -u", "-Ur id -u", "-rm id -u",
	// empty values are values
	"-m --propa= true", "-w '' pwd", "--wd= pwd", "-m --mount-p=/nonexistent-getopt true", "--mount-proc= -fp true",
	// "--", the program and its own options
	"--", "-- true", "-m -- echo -m --mount", "-m echo --m -x", "-m sh -c 'echo $#' sh -- -x",
	"-m -", "-m ''", "'' true",
	// numbers as strtoul(3) reads them, kept to 32 bits as uid_t:
	// blanks and a sign, "-1" wraps, (uid_t)-1 maps nothing
	"-S -1 true", "-S +0 id -u", "-S ' 0' id -u", "-S 4294967296 id -u", "-S -5 true",
	"-S 18446744073709551616 true", "-S '0 ' true", "-S 0x10 true", "-G -1 true",
	"-U --map-user=-1 cat /proc/self/uid_map", "-U --map-user=4294967295 cat /proc/self/uid_map",
	"-U --map-user=' 7' cat /proc/self/uid_map", "--map-group=-1 cat /proc/self/gid_map",
	// time offsets as 2.38's strtos64_or_err: strtoul(3)'s 64 bits taken
	// as signed (blanks, a sign, ERANGE beyond 2^64-1), the kernel
	// refusing what is out of its range
	"-fT --monotonic=' 5' cat /proc/self/timens_offsets", "-fT --boottime=' -5' cat /proc/self/timens_offsets",
	"-fT --monotonic=99999999999999999999 true", "-fT --boottime=-99999999999999999999 true", "-fT --monotonic='5 ' true",
	"-fT --monotonic=18446744073709551615 cat /proc/self/timens_offsets", "-fT --boottime=-18446744073709551615 cat /proc/self/timens_offsets",
	"-fT --monotonic=9223372036854775808 true", "-fT --monotonic=-9223372036854775809 true", "-fT --monotonic=18446744073709551616 true",
	// the ranges: their names' prefixes, values attached, detached, missing
	"--map-users=0,0,1 cat /proc/self/uid_map", "--map-users 0,0,1 cat /proc/self/uid_map",
	"--map-gr 0,0,1 cat /proc/self/gid_map", "--map-groups=0,0,1 cat /proc/self/gid_map", "--map-us=0 true",
	"--map-users", "--map-groups", "--map-a true", "--map-auto=1 true", "--map-root-user=1 id -u", "--map-c=0 id -u", "--map-users= true", "--map-users -r true",
}

// unshare reads its command line as util-linux's getopt_long does, with
// either start.
func TestGetoptAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	nsexectest.CompareLines(t, "unshare", nsexectest.Tools(t, "unshare"), strings.NewReplacer(), getoptLines)
}
