package crossns

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/nstest"
)

// TestLoadFindsHeldNamespaces: a namespace that no process is in any more
// is found and read when an nsfs bind mount holds it, and when an open file
// does.
func TestLoadFindsHeldNamespaces(t *testing.T) {
	bound := filepath.Join(nstest.Tmpfs(t), "held")
	nstest.EmptyFiles(t, bound)
	byBind := nstest.BoundMountNS(t, bound, "unshare", "-m", "sh", "-c", "mount -t tmpfs crossns-bind /mnt && exec sleep 1000")
	byFD := lonelyNamespace(t, "crossns-fd")
	f, err := os.Open(fmt.Sprintf("/proc/%d/ns/mnt", byFD.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	nstest.Stop(byBind)
	nstest.Stop(byFD)

	ownBefore := nstest.Inode(t, "/proc/self/ns/mnt")
	m, _, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file, holder, source string
	}{
		{bound, bound, "crossns-bind"},
		{fmt.Sprintf("/proc/self/fd/%d", f.Fd()), fmt.Sprintf("pid %d fd %d", os.Getpid(), f.Fd()), "crossns-fd"},
	} {
		ino := nstest.Inode(t, c.file)
		ns := find(m, ino)
		if ns == nil {
			t.Errorf("Load did not find mnt:[%d], held by %s", ino, c.holder)
			continue
		}
		if len(ns.PIDs) != 0 || !slices.Contains(ns.Holders, c.holder) {
			t.Errorf("mnt:[%d]: pids %v, holders %v; want no pid, held by %s", ino, ns.PIDs, ns.Holders, c.holder)
		}
		if !slices.ContainsFunc(ns.Mounts, func(mt mountinfo.Mount) bool { return mt.Source == c.source }) {
			t.Errorf("mnt:[%d]: the table read has no mount of %s: %d mounts", ino, c.source, len(ns.Mounts))
		}
	}
	if after := nstest.Inode(t, "/proc/self/ns/mnt"); after != ownBefore {
		t.Fatalf("Load moved this process into mnt:[%d] (it was in mnt:[%d])", after, ownBefore)
	}
	if own := find(m, nstest.Inode(t, "/proc/self/ns/mnt")); own == nil || !slices.Contains(own.PIDs, os.Getpid()) {
		t.Errorf("Load did not list this process's own namespace with it in: %+v", own)
	}
}

// lonelyNamespace starts a sleep in a new mount namespace with a tmpfs of
// the given source name mounted in it.
func lonelyNamespace(t *testing.T, source string) *exec.Cmd {
	return nstest.Sleeper(t, "unshare", "-m", "sh", "-c", "mount -t tmpfs "+source+" /mnt && exec sleep 1000")
}

func find(m *Machine, ino uint64) *Namespace {
	for _, ns := range m.Namespaces {
		if ns.Ino == ino {
			return ns
		}
	}
	return nil
}
