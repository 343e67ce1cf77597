// Package mountcmdtest runs mount and umount command lines, util-linux's
// and nstool's, each in a throwaway mount namespace on a fresh tmpfs, and
// reads back what they printed and left: the harness of both commands'
// differential tests.
package mountcmdtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/nstest"
)

// Tools are the mount and umount a case runs as $M and $U.
type Tools struct{ Mount, Umount string }

// UtilLinux are util-linux's mount and umount.
var UtilLinux = Tools{"mount", "umount"}

// Nstool are nstool's, of the binary bin.
func Nstool(bin string) Tools { return Tools{bin + " mount", bin + " umount"} }

// Outcome is what a case printed and left, normalised so that two runs
// compare: the work directory is $D, a /proc/PID/ path /proc/PID/, a loop
// device /dev/loopN; in stderr nstool's program name is util-linux's and
// util-linux's second line about dmesg(1) is gone (nstool keeps to one
// line).
type Outcome struct {
	Code           int
	Stdout, Stderr string
	// Table is the mounts under the work directory (Table's text), then
	// the second namespace's where the case made one.
	Table string
}

// script runs one case: $1 the setup (util-linux's tools), $2 the command
// line, with $M and $U the tools under test, in the working directory $W,
// a fresh tmpfs; what it printed and left is written under $OUT. hold DIR
// keeps DIR busy (a process works in it), holdw FILE keeps FILE open for
// writing, ns2 CMDS starts a second mount namespace ($P) where CMDS ran,
// whose table is read at the end; a case may also write a second
// namespace's mountinfo to $INNER itself. Every helper process is killed
// when the case ends.
const script = `set -e
mount -t tmpfs base "$WORK"
cd "$WORK"; W=$PWD; BG= P=
wait_for() { while [ ! -e "$W/.ready" ]; do sleep 0.01; done; rm "$W/.ready"; }
hold() { (cd "$1" && : >"$W/.ready" && exec setpriv --pdeathsig KILL sleep 1000) & BG="$BG $!"; wait_for; }
holdw() { (exec 3>"$1"; : >"$W/.ready"; exec setpriv --pdeathsig KILL sleep 1000) & BG="$BG $!"; wait_for; }
ns2() { unshare -m --propagation private sh -c "$1"'; : >.ready; exec setpriv --pdeathsig KILL sleep 1000' & P=$!; BG="$BG $P"; wait_for; }
eval "$1"
set +e
{ eval "$2"; } >"$OUT/stdout" 2>"$OUT/stderr"
echo $? >"$OUT/rc"
cat /proc/self/mountinfo >"$OUT/mountinfo"
if [ -n "$P" ]; then cat /proc/$P/mountinfo >"$INNER"; fi
if [ -n "$BG" ]; then kill $BG; wait; fi
true
`

var (
	procPID = regexp.MustCompile(`/proc/[0-9]+/`)
	loopDev = regexp.MustCompile(`/dev/loop[0-9]+`)
	nstool  = strings.NewReplacer("nstool mount:", "mount:", "nstool umount:", "umount:", "Try 'nstool ", "Try '")
)

// Run runs setup and then cmd with tools, in a new mount namespace
// (unshare --mount --propagation private) on a fresh tmpfs (see script),
// and reads back what cmd printed and left.
func Run(t *testing.T, tools Tools, setup, cmd string) Outcome {
	t.Helper()
	work, out := t.TempDir(), t.TempDir()
	c := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", setup, cmd)
	c.Env = append(os.Environ(), "M="+tools.Mount, "U="+tools.Umount, "WORK="+work, "OUT="+out, "INNER="+filepath.Join(out, "inner"))
	// If the test dies, so does the script; its helpers end by its kill
	// or their --pdeathsig.
	c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if b, err := c.CombinedOutput(); err != nil {
		t.Fatalf("%s: the case's script failed: %v\n%s\nsetup:\n%s", cmd, err, b, setup)
	}
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(out, name))
		s := strings.ReplaceAll(string(b), work, "$D")
		return loopDev.ReplaceAllString(procPID.ReplaceAllString(s, "/proc/PID/"), "/dev/loopN")
	}
	code, _ := strconv.Atoi(strings.TrimSpace(read("rc")))
	o := Outcome{Code: code, Stdout: read("stdout"), Stderr: stderr(read("stderr")),
		Table: Table(nstest.ReadMountinfo(t, filepath.Join(out, "mountinfo")), work)}
	if _, err := os.Stat(filepath.Join(out, "inner")); err == nil {
		o.Table += "\n-- second namespace --\n" + Table(nstest.ReadMountinfo(t, filepath.Join(out, "inner")), work)
	}
	return o
}

// stderr is a normalised stderr (Outcome).
func stderr(s string) string {
	var keep []string
	for _, l := range strings.Split(nstool.Replace(s), "\n") {
		if !strings.Contains(l, "dmesg(1) may have more information") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// Table is the mounts at or under prefix as two runs compare them:
// mountinfo.Table.Canonical (propagation with peer groups renamed), then
// each mount's target (below prefix), source, root and per-mount and
// superblock options, sorted, so that ro/nosuid and bind roots are
// compared too.
func Table(mounts []mountinfo.Mount, prefix string) string {
	var lines []string
	for _, m := range mounts {
		if m.Target == prefix || strings.HasPrefix(m.Target, prefix+"/") {
			line := fmt.Sprintf("%s %s %s %s %s", strings.TrimPrefix(m.Target, prefix), m.Source, m.Root, m.VFSOptions, m.FSOptions)
			lines = append(lines, strings.ReplaceAll(line, prefix, "$D"))
		}
	}
	sort.Strings(lines)
	s := mountinfo.Table(mounts).Canonical(prefix) + "--\n" + strings.Join(lines, "\n")
	return loopDev.ReplaceAllString(s, "/dev/loopN")
}

// Compare runs a case with util-linux and with nstool and demands the same
// exit code, output and mount tables; it returns util-linux's outcome.
func Compare(t *testing.T, setup, cmd string) Outcome {
	t.Helper()
	ul := Run(t, UtilLinux, setup, cmd)
	ns := Run(t, Nstool(nstooltest.RootBinary(t)), setup, cmd)
	if ul.Code != ns.Code {
		t.Errorf("%s: exit code: util-linux %d, nstool %d (nstool stderr %q)", cmd, ul.Code, ns.Code, ns.Stderr)
	}
	if ul.Stderr != ns.Stderr {
		t.Errorf("%s: stderr differs:\nutil-linux: %q\nnstool:     %q", cmd, ul.Stderr, ns.Stderr)
	}
	if ul.Stdout != ns.Stdout {
		t.Errorf("%s: stdout differs:\nutil-linux:\n%s\nnstool:\n%s", cmd, ul.Stdout, ns.Stdout)
	}
	if ul.Table != ns.Table {
		t.Errorf("%s: mount tables differ:\nutil-linux:\n%s\nnstool:\n%s", cmd, ul.Table, ns.Table)
	}
	return ul
}
