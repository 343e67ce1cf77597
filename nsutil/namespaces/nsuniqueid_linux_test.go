package namespaces

import (
	"errors"
	"os/exec"
	"testing"
	"time"
)

// The kernel is the oracle: mount namespaces made one after another, each
// freed before the next, get distinct 64-bit IDs even where their inode
// numbers repeat (which they do as soon as nothing else makes one between).
func TestUniqueIDNotReused(t *testing.T) {
	self, err := UniqueID("/proc/self/ns/mnt")
	if errors.Is(err, ErrNoUniqueID) {
		t.Skip("this kernel gives namespaces no 64-bit ID (NS_GET_MNTNS_ID: Linux 6.11+)")
	}
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := UniqueID("/proc/self/ns/mnt"); again != self {
		t.Fatalf("one namespace, two IDs: %d then %d", self, again)
	}
	own, _ := Stat("/proc/self/ns/mnt")
	ids := map[uint64]int{self: -1}
	inodes := map[uint64]int{}
	for i := 0; i < 4; i++ {
		// util-linux unshare execs sleep in place: its PID holds the namespace.
		// --user --map-root-user: runs as any user.
		cmd := exec.Command("unshare", "--user", "--map-root-user", "--mount", "sleep", "60")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		path := ProcPath(cmd.Process.Pid, Mnt)
		var ns ID
		for {
			ns, err = Stat(path)
			if err != nil || ns != own {
				break
			}
			time.Sleep(time.Millisecond)
		}
		id, idErr := UniqueID(path)
		cmd.Process.Kill()
		werr := cmd.Wait()
		if err != nil || idErr != nil {
			t.Skipf("unshare --user --mount: %v %v (%v): user namespaces not allowed here?", err, idErr, werr)
		}
		if prev, dup := ids[id]; dup {
			t.Fatalf("namespace %d got the 64-bit ID %d of namespace %d", i, id, prev)
		}
		ids[id] = i
		inodes[ns.Ino]++
	}
	for ino, n := range inodes {
		if n > 1 {
			t.Logf("inode %d was given to %d of the 4 namespaces; their IDs all differ", ino, n)
		}
	}
	for _, typ := range []Type{Mnt, Pid, User, Net, Uts, Ipc, Cgroup, Time} {
		if _, err := UniqueID(ProcPath(0, typ)); err != nil && !errors.Is(err, ErrNoUniqueID) {
			t.Errorf("%s: %v", typ, err)
		}
	}
}
