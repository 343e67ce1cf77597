package ls_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// sandboxScript runs inside a fresh pid namespace with its own /proc (so
// the only processes are the ones it starts, and all die with it), starts
// processes in new namespaces of every type, then runs each command line of
// $ARGS under both lsns and nstool ls and prints the outputs in sections:
//
//	@@ TOOL ARGS
//	...output...
//	@@rc N
//
// A line "@@bind" in $ARGS makes namespaces held only by bind mounts first:
// a network namespace bound on $DIR/netns in this mount namespace, and a
// UTS namespace bound inside another mount namespace.
const sandboxScript = `
set -u
mount -t tmpfs lstest "$DIR"
unshare -m sleep inf &
unshare -u sleep inf &
unshare -i sleep inf &
unshare -n sleep inf &
unshare -U sleep inf &
unshare -C sleep inf &
unshare -T --fork sleep inf &
unshare -p --fork sleep inf &
unshare -U -r -n -u sleep inf &
unshare -U -r -p --fork unshare -U -r -p --fork sleep inf &
unshare -u -i bash -c 'sleep inf & sleep inf & wait' &
want=12 tries=0
while [ "$(grep -lx sleep /proc/[0-9]*/comm 2>/dev/null | wc -l)" -lt $want ]; do
	sleep 0.05
	if [ $((tries += 1)) -gt 400 ]; then echo "not all $want sleepers started:"; ps -ef; exit 1; fi
done
sleep 0.1
# the UTS namespace of the group of three processes
grouppid=$(pgrep -f 'bash -c sleep inf' | head -1)
GROUP_UTS=$(stat -L -c %i /proc/$grouppid/ns/uts)
GROUP_PID=$grouppid
echo "@@group $GROUP_UTS $GROUP_PID"
while IFS= read -r args; do
	if [ "$args" = "@@bind" ]; then
		touch "$DIR/netns"
		unshare --net="$DIR/netns" true
		echo "@@bound-net $(stat -L -c %i "$DIR/netns")"
		# The group's UTS namespace (it has processes) bound here too, and
		# its IPC namespace bound only inside the other mount namespace.
		touch "$DIR/grouputs"; mount --bind /proc/$GROUP_PID/ns/uts "$DIR/grouputs"
		mkdir "$DIR/other"
		unshare -m bash -c 'mount -t tmpfs x "$1"; touch "$1/uts" "$1/ipc"; mount --bind /proc/$2/ns/ipc "$1/ipc"; unshare --uts="$1/uts" true; echo "@@bound-uts $(stat -L -c %i "$1/uts") $$"; exec sleep inf' bash "$DIR/other" $GROUP_PID &
		# Its last step is "exec sleep": when a 13th sleep runs, every
		# process it started has finished.
		tries=0
		while [ "$(grep -lx sleep /proc/[0-9]*/comm 2>/dev/null | wc -l)" -lt $((want + 1)) ]; do
			sleep 0.05
			if [ $((tries += 1)) -gt 400 ]; then echo "the bound UTS namespace did not appear"; exit 1; fi
		done
		continue
	fi
	for tool in lsns nstool; do
		echo "@@ $tool $args"
		if [ $tool = nstool ]; then tool="$NSTOOL ls"; fi
		eval "$tool $args" 2>"$DIR/err"
		echo "@@rc $?"
		if [ -s "$DIR/err" ]; then echo "@@stderr $(head -c 300 "$DIR/err" | tr '\n' ' ')"; fi
	done
done < "$ARGS"
`

type sandboxResult struct {
	outputs map[string]string // "lsns ARGS" / "nstool ARGS" → output + "@@rc N"
	vars    map[string][]string
}

// runSandbox runs sandboxScript with these lsns/nstool argument lines.
func runSandbox(t *testing.T, argLines []string) sandboxResult {
	t.Helper()
	nstest.RequireRoot(t)
	for _, tool := range []string{"lsns", "unshare", "pgrep"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: %v", tool, err)
		}
	}
	dir := t.TempDir()
	argsFile := filepath.Join(t.TempDir(), "args")
	if err := os.WriteFile(argsFile, []byte(strings.Join(argLines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "sandbox.sh")
	if err := os.WriteFile(script, []byte(sandboxScript), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("unshare", "--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "--propagation", "private",
		"bash", script)
	// If the test dies, the kernel kills unshare, and --kill-child its
	// pid namespace's init: nothing is left behind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Env = append(os.Environ(), "DIR="+dir, "ARGS="+argsFile, "NSTOOL="+nstooltest.Binary(t), "LC_ALL=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sandbox: %v\n%s", err, out)
	}
	res := sandboxResult{outputs: map[string]string{}, vars: map[string][]string{}}
	var key string
	var b strings.Builder
	flush := func() {
		if key != "" {
			res.outputs[key] = b.String()
		}
		b.Reset()
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "@@ "):
			flush()
			key = strings.TrimPrefix(line, "@@ ")
		case strings.HasPrefix(line, "@@rc ") || strings.HasPrefix(line, "@@stderr "):
			b.WriteString(line + "\n")
		case strings.HasPrefix(line, "@@"):
			f := strings.Fields(strings.TrimPrefix(line, "@@"))
			res.vars[f[0]] = f[1:]
		default:
			b.WriteString(line + "\n")
		}
	}
	flush()
	return res
}

// The same command line, the same bytes: lsns and nstool ls on processes in
// new namespaces of every type, in one quiet pid namespace.
func TestSameBytesAsLsns(t *testing.T) {
	base := "-o NS,TYPE,NPROCS,PID,USER,COMMAND"
	lines := []string{
		"-l " + base,
		"-l -o NS,TYPE,PATH,NPROCS,PID,PPID,COMMAND,UID,USER,PNS,ONS",
		"-l -o ns,type,nprocs",
		"-l -n " + base,
		"-l -r " + base,
		"-l -J " + base,
		"-l -J -o NS,TYPE,NPROCS,PID,PPID,UID,USER,PNS,ONS",
		"-l -u " + base,
		"-T " + base,
		"-T=owner -o NS,TYPE,NPROCS,PID,USER",
		"-T==owner",
		"-l --nohead --ty mnt " + base,
		"-l --out NS",
		"-l --no",
		"-l -nt mnt " + base,
		"-T=parent -o NS,TYPE,NPROCS,PID,USER",
		"-T=parent -J -o NS,TYPE,NPROCS,PNS,ONS",
		"-T=process " + base,
		"-l -t net -o NS,TYPE,NPROCS,PID,NETNSID,NSFS",
		"-l -t mnt -t uts " + base,
		"-l -p $GROUP_PID " + base,
		"-l -o PID,PPID,USER,COMMAND $GROUP_UTS",
		"-l -o NS,TYPE,NPROCS,PID,PPID,UID,USER,COMMAND,PATH $GROUP_UTS",
		"-T=process -o PID,PPID,USER,COMMAND $GROUP_UTS",
		"-o NS,FOO",
		"-J -r",
		"999999999",
		"-p abc",
		"-t foo",
		"-T=foo",
		// lsns's default columns in the lsns-exact view (-l), NETNSID and
		// NSFS when net is asked for; -p of no process: nothing, exit 0.
		"-l", "-l -t net", "-l -J -t net", "-l -r -t net -t uts", "-l -t uts", "-l $GROUP_UTS", "-l -J $GROUP_UTS",
		"-l -p $GROUP_PID", "-l -p 999999", "-l -J -p 999999", "-l -r -p 999999", "-l -p -1", "-l -p ' 1'", "-l -p +1",
		"-l -p 0 -t uts", "-l -p 2147483648", "-l -p 5x", "-l $GROUP_UTS -p 1", "-l 99999999999999999999999",
		// <namespace> as strtou64 reads it, the first argument only, and
		// among the -t types only
		"-l x", "-l ''", "-l +$GROUP_UTS", "-l ' '$GROUP_UTS", "-l $GROUP_UTS 1 x", "-l -t uts $GROUP_UTS", "-l -t mnt $GROUP_UTS",
		"-l -- -1", "-l -- -$GROUP_UTS", "-l ' -5'",
		// <namespace> 0 is lsns's "no filter": every namespace, in the
		// process columns a <namespace> makes the defaults; a --task is
		// refused before the argument is read
		"-l 0", "-l 00 -t uts", "-l +0 -t ipc", "-l ' 0' -t uts", "-l -J 0 -t uts", "-l -r 0", "-l 0 -o NS,TYPE",
		"-l 0 -o +NS -t uts", "-l 0 -o + -t uts", "-l 0 -o +FOO,NS", "-l 0 -o +NS, -t uts", "-l 0 --output-all -t uts",
		"-l 0 --output-all -o +NS -t uts", "-l -T 0 -t uts", "-l -T=parent 0 -t pid", "-l -p 0 0 -t uts",
		"-l 0 -o +" + strings.Repeat("NS,", 21) + "NS", "-l 0 -o +" + strings.Repeat("NS,", 22) + "NS",
		"-l -p $GROUP_PID 0", "-l -p $GROUP_PID x", "-l -p x 5x",
		// -o as string_add_to_idarray reads it: empty names fail silently,
		// the last name runs to the end, 26 slots; --output-all anywhere,
		// then -o replaces or adds
		"-l -o ''", "-l -o NS,", "-l -o ,NS", "-l -o NS,,TYPE", "-l -o +", "-l -o bogus,NS", "-l -o NS,TYPE,",
		// nstool's own columns are unknown to lsns
		"-l -o MOUNTS", "-l -o NS,USERS", "-l -o +NAMESPACE", "-l -o ns,mounts,type", "-l 0 -o +CMD",
		"-l -o " + strings.Repeat("NS,", 26) + "NS", "-l -o " + strings.Repeat("NS,", 25) + "NS",
		// a full array fails before the next name is read, an empty or
		// unknown one too; "+" fills it after the 6 defaults
		"-l -o " + strings.Repeat("NS,", 26) + "FOO", "-l -o " + strings.Repeat("NS,", 26) + ",", "-l -o " + strings.Repeat("NS,", 25) + "FOO",
		"-l -o +" + strings.Repeat("NS,", 19) + "NS", "-l -o +" + strings.Repeat("NS,", 20) + "NS", "-l -o +" + strings.Repeat("NS,", 20) + "X",
		"-l --output-all", "-l --output-all -r", "-l --output-all -o NS", "-l -o NS --output-all", "-l -o +NS --output-all",
		"-l --output-all -o +" + strings.Repeat("NS,", 13) + "NS", "-l --output-all $GROUP_UTS",
		// -l does not exclude -T (lsns's tree, its columns); a tree of some
		// types shows their owners and parents, with no processes
		"-l -T", "-T -l -t uts", "-l -T=parent -J", "-l -T=process -r", "-l -T -t mnt", "-l -T=parent -t pid",
		"-T -t mnt " + base, "-T=parent -t pid " + base, "-T=owner -t uts -o NS,TYPE,NPROCS,PNS,ONS",
		// no tree column (NS, or COMMAND for -T process): no tree, the rows
		// in the order they were added
		"-l -T -o TYPE,PID", "-l -T=parent -J -o TYPE,PID,NPROCS", "-l -T=process -o NS,PID", "-T=process -r -o NS,TYPE,PID",
		// -V acts at its turn: the options before it are checked, nothing
		// after it is read (the version line itself is nstool's)
		"-l -V --bogus", "-l -V -p x", "-l -p x -V", "-l -t x -V", "-l -J -r -V", "-l $GROUP_UTS -V", "-l -Vx", "-l -V -h",
		"-l -p x -h", "-l -t bogus -h", "-l -J -r -h", "-l -T=x --help",
	}
	for _, typ := range []string{"mnt", "net", "pid", "uts", "ipc", "user", "cgroup", "time"} {
		lines = append(lines, "-l -t "+typ+" "+base)
	}
	res := runSandbox(t, lines)
	for _, args := range lines {
		lsns, ok1 := res.outputs["lsns "+args]
		ours, ok2 := res.outputs["nstool "+args]
		if !ok1 || !ok2 {
			t.Errorf("%s: no output captured", args)
			continue
		}
		// Errors: the same exit code and message, with our program name.
		lsns = strings.NewReplacer("lsns: ", "nstool ls: ", "'lsns --help'", "'nstool ls --help'").Replace(lsns)
		lsns, ours = versionLine.ReplaceAllString(lsns, "VERSION"), versionLine.ReplaceAllString(ours, "VERSION")
		if lsns != ours {
			t.Errorf("nstool ls %s differs from lsns:\n%s", args, lineDiff(lsns, ours))
		}
	}
	if !t.Failed() {
		t.Logf("%d command lines, byte for byte", len(lines))
	}
}

// versionLine is -V's line, which names nstool (docs/ls.md).
var versionLine = regexp.MustCompile(`(?m)^(lsns from util-linux|ls from nstool) .*$`)

// lineDiff shows the lines that differ, with their numbers.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 12; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d\n  lsns:   %q\n  nstool: %q\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}
