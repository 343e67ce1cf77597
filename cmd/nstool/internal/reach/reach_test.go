package reach_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
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
