package graph_test

import (
	"fmt"
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
