package nsenter

import (
	"strconv"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// getoptLines are command lines drawn from getopt_long's rules ($PID: a
// process in its own mount and UTS namespaces), each run by util-linux
// nsenter and nstool (cli.Getopt, and the early start's reading):
// unique and ambiguous prefixes, nsenter's optional arguments only ever
// attached (-m/proc/PID/ns/mnt; -mu is -m with "u"; --mount FILE is
// --mount and the program FILE), required ones attached, detached,
// missing, empty or starting with '-', clusters, "--", "-" and "" as the
// program, the program's own options.
//
// -Z and --follow-context are in, as util-linux does them where SELinux is
// off (TestFollowContextAsLibselinux checks that it is off here; where it
// is on nstool refuses -Z, on purpose). Left out, as nstool differs
// elsewhere: --help's text.
var getoptLines = []string{
	// long options by unique prefix
	"-t $PID -m readlink /proc/self/ns/mnt",
	"--targ $PID --mou readlink /proc/self/ns/mnt",
	"--target=$PID --mount readlink /proc/self/ns/mnt",
	"--ta=$PID --ut readlink /proc/self/ns/uts",
	"-t $PID --al readlink /proc/self/ns/mnt",
	"-t $PID -m --wd=/tmp pwd", "-t $PID -m --wdn=/tmp pwd", "-t $PID -m --ro=/ pwd",
	"-t $PID -m --no echo x", "-t $PID -m --pre echo x", "-t $PID -m --setu=0 id -u", "-t $PID -m --setg 0 id -g",
	// ambiguous prefixes
	"--t $PID -m true", "-t $PID --u true", "-t $PID -m --w pwd", "-t $PID -m --se=0 true", "--=x",
	// unknown options, values where none is allowed, missing or empty values
	"-x", "--bogus", "--bogus=1 true", "-t $PID -mx true", "-t $PID -m --no-fork=1 true", "--al=1",
	"-t", "--target", "--targ", "-t $PID -m -S", "-t $PID -m -W", "--target= -m true", "-t '' -m true",
	"-t -m true", "-t $PID -m -W '' pwd", "-t $PID --mount= true", "-t $PID -m --root= pwd",
	// optional arguments: attached only
	"-m/proc/$PID/ns/mnt readlink /proc/self/ns/mnt",
	"--mount=/proc/$PID/ns/mnt readlink /proc/self/ns/mnt",
	"-u/proc/$PID/ns/uts readlink /proc/self/ns/uts",
	"--mount /proc/$PID/ns/mnt readlink /proc/self/ns/mnt",
	"-t $PID --mount=true true", "-t $PID -mtrue true", "--uts=true true", // the file "true"
	"-mu true", "-t $PID -mu true", "-t $PID -um true", "-mt$PID true",
	"-t $PID -m -w/tmp pwd", "-t $PID -m -w /tmp", "-t $PID -m -r/ pwd", "-t $PID -m -rw pwd",
	// required arguments: attached, detached, odd
	"-t$PID -m readlink /proc/self/ns/mnt", "-t $PID -m -S0 id -u", "-t $PID -m -S 0 id -u",
	"-t $PID -m -S=0 id -u", "-t $PID -m -W/tmp pwd", "-t $PID -m -W -x pwd",
	// clusters
	"-t $PID -m -u readlink /proc/self/ns/uts", "-t $PID -Fm echo x", "-at$PID readlink /proc/self/ns/mnt",
	// "--", the program and its own options
	"-t $PID -m -- echo -m", "-t $PID -m echo --m -t", "-t $PID -m -- -", "-t $PID -m -", "-t $PID -m ''",
	"-t $PID -m --", "--",
	// numbers as strtoul(3) reads them, kept to 32 bits as uid_t
	"-t $PID -m -S -1 true", "-t $PID -m -S +0 id -u", "-t $PID -m -S ' 0' id -u",
	"-t $PID -m -S 4294967296 id -u", "-t $PID -m -G -5 true", "-t $PID -m -S 18446744073709551616 true",
	// -t too, into a pid_t printed with %u: /proc/4294967295, 0 (no target) for 4294967296
	"-t -1 -m true", "-t -1 true", "-t 99999999999 -m true", "-t 4294967296 -m true", "-t -0 -m true",
	"-t ' '$PID -m readlink /proc/self/ns/mnt", "-t +$PID -u readlink /proc/self/ns/uts",
	"-t 18446744073709551616 true", "-t '1 ' true",
	// each read in turn, with -w against -W: the first bad one fails,
	// even when a later one replaces it
	"-S x -t y true", "-t y -S x true", "-G x -S y true", "-S x -S 0 true", "-t x -t $PID -m true",
	"-t $PID -m -S 0 -G x -S y true", "-t $PID -m -W /tmp -w -S x true", "-t $PID -m -S x -W /tmp -w true",
	"-t $PID -m -w -W /tmp -G x true", "-t $PID -m -S 5 -S 0 id -u",
	// every FILE opened in turn; given alone anywhere, the target's wins
	"-t $PID -m/proc/self/ns/mnt -m readlink /proc/self/ns/mnt", "-t $PID -m -m/proc/self/ns/mnt readlink /proc/self/ns/mnt",
	"-t $PID -m/nonexistent -m/proc/$PID/ns/mnt true", "-t $PID -m/proc/$PID/ns/mnt -u/nonexistent-1 -m/nonexistent-2 true",
	"-m/nonexistent -S x true", "-S x -m/nonexistent true", "-m/nonexistent -t x true", "-u/proc/self/ns/uts -u readlink /proc/self/ns/uts",
	"-t $PID -m -r -r/nonexistent true", "-t $PID -m -r/nonexistent -r true", "-t $PID -m -w -w/tmp pwd", "-t $PID -m -w/tmp -w pwd",
	"-t $PID -m -w/nonexistent -W /tmp pwd", "-t $PID -m -W /tmp -w/nonexistent pwd",
	// -Z: nothing to do without SELinux, with or without a target
	"-Z echo x", "-Z", "--follow-context echo x", "--fol echo x", "--f echo x", "-t $PID -m -Z readlink /proc/self/ns/mnt",
	"-Zt $PID -m readlink /proc/self/ns/mnt", "-t $PID -mZ true", "-Z=1", "-Z1 true", "--follow-context=1 true",
	"--follow-context= true", "-Z -t '' true", "-Z -Z echo x", "-Z -t $PID -a readlink /proc/self/ns/uts",
}

// nsenter reads its command line as util-linux's getopt_long does, with
// either start.
func TestGetoptAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "nsenter")
	pid := strconv.Itoa(nsexectest.Target(t, nil, "--mount", "--uts"))
	nsexectest.CompareLines(t, "nsenter", tools, strings.NewReplacer("$PID", pid), getoptLines)
}
