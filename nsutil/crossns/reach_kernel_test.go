package crossns

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// scenarioCount is how many generated scenarios TestReachAgainstKernel
// tries: 500 in `make test`, more with NSTOOL_REACH_SCENARIOS=N
// (`make test-reach` runs 3000).
func scenarioCount() int {
	if n, err := strconv.Atoi(os.Getenv("NSTOOL_REACH_SCENARIOS")); err == nil && n > 0 {
		return n
	}
	return 500
}

// TestReachAgainstKernel: the kernel is the oracle. Each scenario builds
// mount namespaces with util-linux (each --propagation mode, binds of
// subdirectories, slaves of slaves, shared and slave, unbindable, now and
// then a user namespace), asks Reach where a mount at a path will go, makes
// it, and compares with every namespace's table; then the same for the
// unmount.
func TestReachAgainstKernel(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tool := range []string{"unshare", "nsenter", "mount", "umount", "sleep"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("util-linux %s is not installed: %v", tool, err)
		}
	}
	n := scenarioCount()
	seed := time.Now().UnixNano()
	if s, err := strconv.ParseInt(os.Getenv("NSTOOL_REACH_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("seed %d (NSTOOL_REACH_SEED=%d repeats it), %d scenarios", seed, seed, n)
	rng := rand.New(rand.NewSource(seed))
	var mounts, umounts, receivedElsewhere int
	hows := map[string]int{}
	for i := 0; i < n; i++ {
		sc := newScenario(t, rng, i)
		m, u, elsewhere := sc.run(t, hows)
		sc.close()
		mounts += m
		umounts += u
		receivedElsewhere += elsewhere
		if t.Failed() {
			return
		}
	}
	t.Logf("%d mount and %d unmount events checked; %d reached another namespace; copies by how: %v",
		mounts, umounts, receivedElsewhere, hows)
	if n >= 100 && (hows["peer"] == 0 || hows["slave"] == 0 || hows["slave of a slave"] == 0) {
		t.Errorf("the scenarios never made a peer, a slave and a slave of a slave receive: %v", hows)
	}
	if mounts < n/2 {
		t.Errorf("only %d of %d scenarios could make their mount: the generator is off", mounts, n)
	}
	if receivedElsewhere < mounts/4 {
		t.Errorf("only %d of %d events reached another namespace: the scenarios test too little", receivedElsewhere, mounts)
	}
}

// scenario is one generated machine: a shared tmpfs base with a few
// directories, and namespaces made below the test's own.
type scenario struct {
	id    int
	base  string
	pids  []int // 0: the test's own namespace
	procs []*exec.Cmd
	steps []string // what was done, to show on failure
	rng   *rand.Rand
}

var dirs = []string{"", "a", "a/x", "b", "b/x", "c", "c/y"}

func newScenario(t *testing.T, rng *rand.Rand, id int) *scenario {
	sc := &scenario{id: id, rng: rng, pids: []int{0}}
	sc.base = filepath.Join(os.TempDir(), fmt.Sprintf("nstool-reach-%d-%d", os.Getpid(), id))
	if err := os.MkdirAll(sc.base, 0o755); err != nil {
		t.Fatal(err)
	}
	// The folder is in the host's /tmp (the test's namespace shares its
	// filesystem): removed at the end even when the scenario fails.
	t.Cleanup(sc.removeBase)
	nstest.Mount(t, "reach-base", sc.base, "tmpfs", 0, "size=1m")
	for _, d := range dirs[1:] {
		if err := os.MkdirAll(filepath.Join(sc.base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sc.sh(t, 0, "mount --make-shared "+sc.base)
	sc.op(t, 0)
	for k := 1 + rng.Intn(4); k > 0; k-- {
		parent := sc.pids[rng.Intn(len(sc.pids))]
		if rng.Intn(2) == 0 { // chains: slaves of slaves
			parent = sc.pids[len(sc.pids)-1]
		}
		sc.spawn(t, parent)
		sc.op(t, sc.pids[len(sc.pids)-1])
	}
	return sc
}

// spawn makes a mount namespace below parent's with util-linux unshare.
func (sc *scenario) spawn(t *testing.T, parent int) {
	modes := []string{"shared", "slave", "slave", "unchanged", "unchanged", "private"}
	mode := modes[sc.rng.Intn(len(modes))]
	args := []string{"unshare", "-m", "--propagation=" + mode}
	if sc.rng.Intn(8) == 0 {
		args = []string{"unshare", "-U", "-r", "-m", "--propagation=" + mode}
	}
	args = append(args, "sleep", "1000")
	if parent != 0 {
		args = append([]string{"nsenter", "-t", strconv.Itoa(parent), "-m"}, args...)
	}
	cmd := nstest.Sleeper(t, args...)
	sc.procs = append(sc.procs, cmd)
	sc.pids = append(sc.pids, cmd.Process.Pid)
	sc.steps = append(sc.steps, fmt.Sprintf("ns%d: %s (from ns%d)", len(sc.pids)-1, strings.Join(args, " "), sc.index(parent)))
}

func (sc *scenario) index(pid int) int {
	for i, p := range sc.pids {
		if p == pid {
			return i
		}
	}
	return -1
}

// op changes the propagation of the base or binds a subdirectory, in the
// namespace of pid.
func (sc *scenario) op(t *testing.T, pid int) {
	b := sc.base
	ops := []string{
		"",
		"",
		"mount --make-slave " + b,
		"mount --make-private " + b,
		"mount --make-slave " + b + " && mount --make-shared " + b,
		"mount --make-rslave " + b + " && mount --make-rshared " + b,
		"mount --make-unbindable " + b,
		"mount --bind " + b + "/a " + b + "/b",
		"mount --bind " + b + "/a " + b + "/b && mount --make-slave " + b + "/b",
		"mount --bind " + b + "/c " + b + "/c && mount --make-private " + b + "/c && mount --make-shared " + b + "/c",
		"mount --rbind " + b + " " + b + "/c/y",
	}
	if o := ops[sc.rng.Intn(len(ops))]; o != "" {
		sc.sh(t, pid, o)
	}
}

// sh runs a shell line in pid's mount namespace; a refused step (a bind
// of an unbindable mount) is part of the scenario, not a failure.
func (sc *scenario) sh(t *testing.T, pid int, line string) bool {
	args := []string{"sh", "-c", line}
	if pid != 0 {
		args = append([]string{"nsenter", "-t", strconv.Itoa(pid), "-m"}, args...)
	}
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	step := fmt.Sprintf("ns%d: %s", sc.index(pid), line)
	if err != nil {
		step += "  # failed: " + strings.TrimSpace(string(out))
	}
	sc.steps = append(sc.steps, step)
	return err == nil
}

func (sc *scenario) close() {
	for _, c := range sc.procs {
		nstest.Stop(c)
	}
	sc.removeBase()
}

// removeBase unmounts every mount stacked on the scenario's folder (an
// event may have mounted on the folder itself) and removes it.
func (sc *scenario) removeBase() {
	for syscall.Unmount(sc.base, syscall.MNT_DETACH) == nil {
	}
	_ = os.Remove(sc.base)
}

// machine reads every namespace's table.
func (sc *scenario) machine(t *testing.T) *Machine {
	m := &Machine{}
	for _, pid := range sc.pids {
		proc := "self"
		if pid != 0 {
			proc = strconv.Itoa(pid)
		}
		mounts, err := mountinfo.Read(pid)
		if err != nil {
			state, _ := os.ReadFile("/proc/" + proc + "/stat")
			t.Fatalf("scenario %d: ns%d: %v (stat: %s)\nsteps:\n  %s", sc.id, sc.index(pid), err, state, strings.Join(sc.steps, "\n  "))
		}
		ns := &Namespace{Mounts: mounts, UserNS: nstest.Inode(t, "/proc/"+proc+"/ns/user"), Ino: nstest.Inode(t, "/proc/"+proc+"/ns/mnt")}
		if pid != 0 {
			ns.PIDs = []int{pid}
		}
		m.Namespaces = append(m.Namespaces, ns)
	}
	return m
}

// run makes a mount event and its unmount at a random place from a random
// namespace and checks both predictions. It returns how many of each it
// checked (0 when the kernel refused the mount: a place that does not
// exist there) and whether the mount reached another namespace.
func (sc *scenario) run(t *testing.T, hows map[string]int) (mounts, umounts, elsewhere int) {
	src := sc.rng.Intn(len(sc.pids))
	if sc.rng.Intn(2) == 0 { // the first namespace is the master of most
		src = 0
	}
	place := filepath.Join(sc.base, dirs[sc.rng.Intn(len(dirs))])
	before := sc.machine(t)
	pred, err := before.Reach(Event{Source: src, Path: place})
	if err != nil {
		t.Fatalf("scenario %d: Reach: %v", sc.id, err)
	}
	if !sc.sh(t, sc.pids[src], fmt.Sprintf("mount -t tmpfs reach-event-%d %s", sc.id, place)) {
		return 0, 0, 0
	}
	predicted := pred.Verdicts
	after := sc.machine(t)
	what := fmt.Sprintf("mount at %s in ns%d", place, src)
	sc.compare(t, what, predicted, diffMounts(before, after), before)
	for i, v := range predicted {
		if i != src && v.Receives {
			elsewhere = 1
		}
		for _, l := range v.Landings {
			hows[l.How]++
		}
	}
	pred, err = after.Reach(Event{Source: src, Path: place, Umount: true})
	umounted := sc.sh(t, sc.pids[src], "umount "+place)
	switch {
	case err == ErrNotMountPoint && !umounted:
		// The mount's own copy covered the place (a mount on a bind of the
		// filesystem's root lands on its other mount points too, the one
		// above the place among them): the kernel agrees there is nothing
		// to unmount there now.
		return 1, 0, elsewhere
	case err != nil:
		t.Fatalf("scenario %d: Reach umount at %s in ns%d: %v (umount(8) succeeded: %v)\nsteps:\n  %s\ntables:\n%s",
			sc.id, place, src, err, umounted, strings.Join(sc.steps, "\n  "), sc.tables(after))
	case !umounted:
		t.Errorf("scenario %d: umount %s failed, Reach predicted it\n%s", sc.id, place, strings.Join(sc.steps, "\n"))
		return 1, 0, elsewhere
	}
	predicted = pred.Verdicts
	gone := sc.machine(t)
	sc.compare(t, "unmount at "+place+" in ns"+strconv.Itoa(src), predicted, diffMounts(gone, after), after)
	return 1, 1 + sc.unmountExisting(t, src, gone), elsewhere
}

// unmountExisting unmounts, in namespace src, a mount the scenario made
// before the event (a bind, a recursive bind's copy: copies of it may sit
// in namespaces made since, locked where a user namespace owns them) and
// checks the prediction. It returns 1 when it checked one, 0 when there
// was none to take or umount(8) refused it (busy).
func (sc *scenario) unmountExisting(t *testing.T, src int, m *Machine) int {
	ns := m.Namespaces[src]
	var targets []string
	for _, mt := range ns.Mounts {
		if _, inside := below(mt.Target, sc.base); inside && mt.Target != sc.base {
			if top, ok := ns.Lookup(mt.Target); ok && top.Target == mt.Target {
				targets = append(targets, mt.Target)
			}
		}
	}
	if len(targets) == 0 {
		return 0
	}
	target := targets[sc.rng.Intn(len(targets))]
	pred, err := m.Reach(Event{Source: src, Path: target, Umount: true})
	if err != nil {
		t.Fatalf("scenario %d: Reach umount of %s in ns%d: %v", sc.id, target, src, err)
	}
	if !sc.sh(t, sc.pids[src], "umount "+target) {
		return 0
	}
	sc.compare(t, "unmount of the existing "+target+" in ns"+strconv.Itoa(src), pred.Verdicts, diffMounts(sc.machine(t), m), m)
	return 1
}

// diffMounts lists, per namespace, the mounts of b that a does not have:
// "TARGET on PARENT-ID".
func diffMounts(a, b *Machine) [][]string {
	out := make([][]string, len(b.Namespaces))
	for i, ns := range b.Namespaces {
		had := map[int]bool{}
		for _, mt := range a.Namespaces[i].Mounts {
			had[mt.ID] = true
		}
		for _, mt := range ns.Mounts {
			if !had[mt.ID] {
				out[i] = append(out[i], fmt.Sprintf("%s on %d", mt.Target, mt.Parent))
			}
		}
		sort.Strings(out[i])
	}
	return out
}

func (sc *scenario) compare(t *testing.T, what string, predicted []Verdict, actual [][]string, before *Machine) {
	t.Helper()
	for i, v := range predicted {
		var want []string
		for _, l := range v.Landings {
			want = append(want, fmt.Sprintf("%s on %d", l.At, l.Parent))
		}
		sort.Strings(want)
		if strings.Join(want, ", ") != strings.Join(actual[i], ", ") {
			t.Errorf("scenario %d, %s: ns%d: predicted [%s] (why: %s), the kernel did [%s]\nsteps:\n  %s\ntables before:\n%s",
				sc.id, what, i, strings.Join(want, ", "), v.Why, strings.Join(actual[i], ", "),
				strings.Join(sc.steps, "\n  "), sc.tables(before))
			return
		}
	}
}

// tables shows every namespace's mounts under the base.
func (sc *scenario) tables(m *Machine) string {
	var b strings.Builder
	for i, ns := range m.Namespaces {
		fmt.Fprintf(&b, "  ns%d:\n", i)
		for _, mt := range ns.Mounts {
			if strings.HasPrefix(mt.Target, sc.base) {
				fmt.Fprintf(&b, "    %d %d %s %s %s\n", mt.ID, mt.Parent, mt.Root, mt.Target, mt.Optional)
			}
		}
	}
	return b.String()
}
