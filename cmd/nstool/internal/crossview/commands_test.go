// The behaviour of reach, holders and graph, each checked against the
// kernel: the commands run as processes (nstooltest.RootBinary) on
// namespaces these tests make, and their answers are compared with the
// tables the kernel then shows.
package crossview_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// TestReachJSONAgainstKernel: `nstool reach -J` on a shared tmpfs with a
// bind of a subdirectory, seen by a peer, a slave and a private copy; then
// the mount is made and every namespace's new mounts are compared with the
// prediction, place by place.
func TestReachJSONAgainstKernel(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	base := nstest.Tmpfs(t)
	for _, d := range []string{"a/x", "b"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	nstest.Must(t, "mount", "--make-shared", base)
	nstest.Must(t, "mount", "--bind", base+"/a", base+"/b")
	pids := map[string]int{"self": os.Getpid()}
	for _, mode := range []string{"unchanged", "slave", "private"} {
		pids[mode] = sleeper(t, mode)
	}

	out, err := exec.Command(bin, "reach", "-J", base+"/a/x").Output()
	if err != nil {
		t.Fatalf("nstool reach -J: %v", err)
	}
	var doc struct {
		Source struct {
			NS      uint64 `json:"ns"`
			Target  string `json:"target"`
			MountID int    `json:"mount_id"`
		} `json:"source"`
		Namespaces []struct {
			NS       uint64 `json:"ns"`
			PIDs     []int  `json:"pids"`
			Receives bool   `json:"receives"`
			Mounts   []struct {
				At  string `json:"at"`
				How string `json:"how"`
			} `json:"mounts"`
			Why *string `json:"why"`
		} `json:"namespaces"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Source.Target != base+"/a/x" || doc.Source.NS != nstest.MountNS(t, os.Getpid()) {
		t.Errorf("source %+v, want target %s in mnt:[%d]", doc.Source, base+"/a/x", nstest.MountNS(t, os.Getpid()))
	}
	before := map[string][]mountinfo.Mount{}
	for name, pid := range pids {
		before[name] = read(t, pid)
	}
	nstest.Must(t, "mount", "-t", "tmpfs", "reach-json", base+"/a/x")
	for name, pid := range pids {
		var want []string
		for _, ns := range doc.Namespaces {
			if ns.NS != nstest.MountNS(t, pid) {
				continue
			}
			for _, m := range ns.Mounts {
				want = append(want, m.At+" ("+m.How+")")
			}
			if !ns.Receives && ns.Why == nil {
				t.Errorf("%s: receives nothing and says not why", name)
			}
		}
		sort.Strings(want)
		got := newTargets(before[name], read(t, pid))
		if len(got) != len(want) {
			t.Errorf("%s: predicted %v, the kernel mounted at %v", name, want, got)
			continue
		}
		for i := range got {
			if !strings.HasPrefix(want[i], got[i]+" (") {
				t.Errorf("%s: predicted %v, the kernel mounted at %v", name, want, got)
			}
		}
	}
	// What each kind of namespace is told, in words.
	wantHow := map[string]string{"self": "the mount itself", "unchanged": "peer", "slave": "slave"}
	for name, how := range wantHow {
		for _, ns := range doc.Namespaces {
			if ns.NS == nstest.MountNS(t, pids[name]) && (len(ns.Mounts) == 0 || ns.Mounts[0].How != how) {
				t.Errorf("%s: mounts %+v, want the first one %q", name, ns.Mounts, how)
			}
		}
	}
}

// sleeper starts a sleep in a new mount namespace made with util-linux
// unshare --propagation=mode.
func sleeper(t *testing.T, mode string) int {
	return nstest.Sleeper(t, "unshare", "-m", "--propagation="+mode, "sleep", "1000").Process.Pid
}

func read(t *testing.T, pid int) []mountinfo.Mount {
	m, err := mountinfo.Read(pid)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newTargets(before, after []mountinfo.Mount) []string {
	had := map[int]bool{}
	for _, m := range before {
		had[m.ID] = true
	}
	var out []string
	for _, m := range after {
		if !had[m.ID] {
			out = append(out, m.Target)
		}
	}
	sort.Strings(out)
	return out
}

// TestHoldersFindsAndFreesEveryCopy: a tmpfs is mounted, then copied into a
// namespace with a process, one held only by a bind mount of its nsfs file,
// and one held only by an open file. `nstool holders -J` must list all four
// copies; running the free line of each must leave no copy anywhere.
func TestHoldersFindsAndFreesEveryCopy(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	scratch := nstest.Tmpfs(t)
	source := fmt.Sprintf("nstool-holders-%d", os.Getpid())
	fs := filepath.Join(scratch, "fs")
	nstest.TmpfsAt(t, fs, source, "size=1m")
	want := []uint64{nstest.Inode(t, "/proc/self/ns/mnt")}
	withProc := copyNamespace(t)
	want = append(want, nstest.Inode(t, fmt.Sprintf("/proc/%d/ns/mnt", withProc.Process.Pid)))

	bound := filepath.Join(scratch, "held")
	if err := os.WriteFile(bound, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	nstest.Stop(nstest.BoundMountNS(t, bound, "unshare", "-m", "sleep", "1000"))
	want = append(want, nstest.Inode(t, bound))

	c := copyNamespace(t)
	held, err := os.Open(fmt.Sprintf("/proc/%d/ns/mnt", c.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	nstest.Stop(c)
	want = append(want, nstest.Inode(t, fmt.Sprintf("/proc/self/fd/%d", held.Fd())))

	out, err := exec.Command(bin, "holders", "-J", source).Output()
	if err != nil {
		t.Fatalf("nstool holders -J %s: %v", source, err)
	}
	var doc struct {
		Holders []struct {
			NS     uint64 `json:"ns"`
			Target string `json:"target"`
			Free   string `json:"free"`
		} `json:"holders"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var got []uint64
	for _, h := range doc.Holders {
		got = append(got, h.NS)
		if h.Target != fs {
			t.Errorf("mnt:[%d]: target %s, want %s", h.NS, h.Target, fs)
		}
	}
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("holders of %s: %v, want %v\n%s", source, got, want, out)
	}
	for _, h := range doc.Holders {
		line, _, _ := strings.Cut(h.Free, "#")
		line = strings.Replace(line, "nstool ", bin+" ", 1)
		if out, err := exec.Command("sh", "-c", line).CombinedOutput(); err != nil {
			t.Errorf("free line %q: %v\n%s", line, err, out)
		}
	}
	out, err = exec.Command(bin, "holders", source).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no such path, device number or mount source") {
		t.Errorf("after every free line, holders still says (%v):\n%s", err, out)
	}
}

// copyNamespace starts a sleep in a new mount namespace, a copy of this one.
func copyNamespace(t *testing.T) *exec.Cmd {
	return nstest.Sleeper(t, "unshare", "-m", "sleep", "1000")
}

// TestGraphRendersTheKernelsLinks: the picture of a shared tmpfs with a
// bind, seen by a slave namespace that is shared too and by a slave of
// that one, is rendered by Graphviz's dot; the edges dot lays out are the
// peer-group and master links that the namespaces' tables give.
func TestGraphRendersTheKernelsLinks(t *testing.T) {
	nstest.RequireRoot(t)
	dotPath, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not installed (.ci/run installs graphviz)")
	}
	bin := nstooltest.Binary(t)
	base := nstest.Tmpfs(t)
	if err := os.MkdirAll(filepath.Join(base, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(base, "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	nstest.Must(t, "mount", "--make-shared", base)
	nstest.Must(t, "mount", "--bind", base+"/a", base+"/b")
	slave := nstest.Sleeper(t, "unshare", "-m", "--propagation", "slave", "sh", "-c", "mount --make-shared "+base+" && exec sleep 1000")
	slaveOfSlave := nstest.Sleeper(t, "nsenter", "-t", fmt.Sprint(slave.Process.Pid), "-m", "unshare", "-m", "--propagation", "slave", "sleep", "1000")

	dotText, err := exec.Command(bin, "graph", base).Output()
	if err != nil {
		t.Fatalf("nstool graph %s: %v", base, err)
	}
	render := exec.Command(dotPath, "-Tplain")
	render.Stdin = strings.NewReader(string(dotText))
	plain, err := render.Output()
	if err != nil {
		t.Fatalf("dot -Tplain: %v\n%s", err, dotText)
	}
	var got []string
	for _, line := range strings.Split(string(plain), "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[0] == "edge" {
			got = append(got, f[1]+" "+f[2])
		}
	}
	var want []string
	for _, pid := range []int{os.Getpid(), slave.Process.Pid, slaveOfSlave.Process.Pid} {
		mounts, err := mountinfo.Read(pid)
		if err != nil {
			t.Fatal(err)
		}
		ino := nstest.MountNS(t, pid)
		for _, mt := range mounts {
			if mt.Target != base && !strings.HasPrefix(mt.Target, base+"/") {
				continue
			}
			node := fmt.Sprintf("m%d_%d", ino, mt.ID)
			if mt.PeerGroup != 0 {
				want = append(want, fmt.Sprintf("%s g%d", node, mt.PeerGroup))
			}
			if mt.Master != 0 {
				want = append(want, fmt.Sprintf("g%d %s", mt.Master, node))
			}
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("edges dot drew:\n%s\nlinks the tables give:\n%s\nDOT:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), dotText)
	}
	if len(want) < 6 {
		t.Errorf("only %d links: the scenario is not what it should be", len(want))
	}
	svg, err := exec.Command(bin, "graph", "--format", "svg", base).Output()
	if err != nil || !strings.Contains(string(svg), "<svg") {
		t.Errorf("nstool graph --format svg: %v\n%.200s", err, svg)
	}
}

// TestHoldersOfADeviceNode: a block device node names the filesystem on
// that device (its rdev), as /dev/loop0 or /dev/sdb1 does, not the mount
// the node lives on. The node is made with the tmpfs's own device number,
// so the answer must be the one MAJ:MIN gives: the tmpfs at its mount point.
func TestHoldersOfADeviceNode(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	scratch := nstest.Tmpfs(t)
	fs := filepath.Join(scratch, "fs")
	nstest.TmpfsAt(t, fs, "nstool-node", "size=1m")
	var st syscall.Stat_t
	if err := syscall.Stat(fs, &st); err != nil {
		t.Fatal(err)
	}
	node := filepath.Join(scratch, "node")
	if err := syscall.Mknod(node, syscall.S_IFBLK|0o600, int(st.Dev)); err != nil {
		t.Fatal(err)
	}
	number := fmt.Sprintf("%d:%d", st.Dev>>8&0xfff, st.Dev&0xff|st.Dev>>12&0xfff00)
	byNumber, err := exec.Command(bin, "holders", "-J", number).Output()
	if err != nil {
		t.Fatalf("nstool holders -J %s: %v", number, err)
	}
	byNode, err := exec.Command(bin, "holders", "-J", node).Output()
	if err != nil {
		t.Fatalf("nstool holders -J %s: %v\n%s", node, err, byNode)
	}
	// The PIDs differ (the running nstool is a member); the rest must not.
	type answer struct {
		Filesystem struct{ Device, Source string }
		Holders    []struct {
			NS     uint64
			Target string
		}
	}
	var node1, number1 answer
	if json.Unmarshal(byNode, &node1) != nil || json.Unmarshal(byNumber, &number1) != nil {
		t.Fatalf("not JSON:\n%s\n%s", byNode, byNumber)
	}
	if fmt.Sprint(node1) != fmt.Sprint(number1) || len(node1.Holders) != 1 || node1.Holders[0].Target != fs {
		t.Errorf("holders %s:\n%s\nwant what holders %s says:\n%s", node, byNode, number, byNumber)
	}
}
