package mountid

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// The kernel fact the labs' "came from" checks rest on: of a mount and the
// copy propagation makes of it in a peer namespace, the mount the process
// made has the smaller 64-bit ID, whichever side made it. Namespace A is
// this test's, B a sleeping process's copy of it (peers), C a slave copy
// (it receives from both, later than either); the IDs are read by
// listmount(2) and statmount(2) in each namespace, and by statx(2) through
// /proc/PID/root, and must agree.
func TestTheMountMadeIsOlderThanItsCopies(t *testing.T) {
	nstest.RequireRoot(t)
	if _, err := List(0); err == ErrUnsupported {
		t.Skip(err)
	}
	d := nstest.Tmpfs(t)
	nstest.Mount(t, "", d, "", unix.MS_SHARED, "")
	os.Mkdir(d+"/by-a", 0o755)
	os.Mkdir(d+"/by-b", 0o755)
	b := nstest.SleepIn(t, &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS})
	c := nstest.Sleeper(t, "unshare", "--mount", "--propagation", "slave", "sleep", "inf").Process.Pid
	bRoot := fmt.Sprintf("/proc/%d/root", b)
	nsA, errA := namespaces.UniqueID("/proc/self/ns/mnt")
	nsB, errB := namespaces.UniqueID(fmt.Sprintf("/proc/%d/ns/mnt", b))
	nsC, errC := namespaces.UniqueID(fmt.Sprintf("/proc/%d/ns/mnt", c))
	if errA != nil || errB != nil || errC != nil {
		t.Fatal(errA, errB, errC)
	}

	// A mounts; B gets the copy.
	nstest.Mount(t, "a", d+"/by-a", "tmpfs", 0, "")
	// B mounts (nsenter into B's mount namespace); A gets the copy.
	if out, err := exec.Command("nsenter", "-t", strconv.Itoa(b), "-m", "mount", "-t", "tmpfs", "b", d+"/by-b").CombinedOutput(); err != nil {
		t.Fatalf("mount in B: %v: %s", err, out)
	}
	for _, tc := range []struct {
		path, made string
	}{{d + "/by-a", "A"}, {d + "/by-b", "B"}} {
		inA := statmountAt(t, nsA, tc.path)
		inB := statmountAt(t, nsB, tc.path)
		inC := statmountAt(t, nsC, tc.path)
		t.Logf("%s: A's %d (mountinfo %d), B's %d (mountinfo %d), C's %d", tc.path, inA.ID, inA.OldID, inB.ID, inB.OldID, inC.ID)
		if inC.Master != inA.PeerGroup {
			t.Errorf("%s: C's copy %+v is not a slave of A's group %d", tc.path, inC, inA.PeerGroup)
		}
		if inA.PeerGroup == 0 || inA.PeerGroup != inB.PeerGroup || inA.Major != inB.Major || inA.Minor != inB.Minor {
			t.Fatalf("%s: A's %+v and B's %+v are not one filesystem in one peer group", tc.path, inA, inB)
		}
		made, copied := inA, inB
		if tc.made == "B" {
			made, copied = inB, inA
		}
		for _, cp := range []Mount{copied, inC} {
			if made.ID >= cp.ID {
				t.Errorf("%s, mounted in %s: its ID %d is not smaller than the copy's %d", tc.path, tc.made, made.ID, cp.ID)
			}
		}
		// statx(2) gives the same IDs, through each namespace's root.
		for _, c := range []struct {
			path string
			want Mount
		}{{tc.path, inA}, {bRoot + tc.path, inB}} {
			unique, old, err := Of(c.path)
			if err != nil || unique != c.want.ID || old != c.want.OldID {
				t.Errorf("Of(%s) = %d, %d, %v; statmount says %d, %d", c.path, unique, old, err, c.want.ID, c.want.OldID)
			}
		}
		// And mountinfo's ID is statmount's old one.
		if m := nstest.TopMount(t, tc.path); m == nil || m.ID != inA.OldID {
			t.Errorf("mountinfo's %s is %+v, statmount's old ID %d", tc.path, m, inA.OldID)
		}
	}
}

// statmountAt finds the mount on top at path in the namespace nsID, by
// listmount(2) and statmount(2) only: the last one listed there.
func statmountAt(t *testing.T, nsID uint64, path string) Mount {
	t.Helper()
	ids, err := List(nsID)
	if err != nil {
		t.Fatal(err)
	}
	var found Mount
	for _, id := range ids {
		m, err := Stat(id, nsID)
		if err != nil {
			t.Fatalf("statmount %d: %v", id, err)
		}
		if m.Point == path {
			found = m
		}
	}
	if found.ID == 0 {
		t.Fatalf("no mount at %s among the %d listmount gives", path, len(ids))
	}
	return found
}
