package holders_test

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
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// TestHoldersFindsAndFreesEveryCopy: a tmpfs is mounted, then copied into a
// namespace with a process, one held only by a bind mount of its nsfs file,
// and one held only by an open file. `nstool holders -J` must list all four
// copies; running the free line of each must leave no copy anywhere.
func TestHoldersFindsAndFreesEveryCopy(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	scratch := nstest.Tmpfs(t)
	source := fmt.Sprintf("nstool-holders-%d", os.Getpid())
	fs := filepath.Join(scratch, "fs")
	if err := os.Mkdir(fs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount(source, fs, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatal(err)
	}
	want := []uint64{nstest.Inode(t, "/proc/self/ns/mnt")}
	withProc := copyNamespace(t)
	want = append(want, nstest.Inode(t, fmt.Sprintf("/proc/%d/ns/mnt", withProc.Process.Pid)))

	bound := filepath.Join(scratch, "held")
	if err := os.WriteFile(bound, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for try := 0; ; try++ { // EINVAL now and then on 6.18: make another (see DESIGN.md)
		c := copyNamespace(t)
		err := syscall.Mount(fmt.Sprintf("/proc/%d/ns/mnt", c.Process.Pid), bound, "", syscall.MS_BIND, "")
		nstest.Stop(c)
		if err == nil {
			break
		}
		if err != syscall.EINVAL || try == 20 {
			t.Fatalf("bind the namespace's file: %v", err)
		}
	}
	t.Cleanup(func() { _ = syscall.Unmount(bound, syscall.MNT_DETACH) })
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
