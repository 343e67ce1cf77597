package nstest

import (
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Inode is the inode of path (stat(2) follows a /proc/PID/ns link or an
// open namespace file to the nsfs inode: "the namespace" of lsns).
func Inode(t testing.TB, path string) uint64 {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

// MountNS is the inode of process pid's mount namespace.
func MountNS(t testing.TB, pid int) uint64 {
	t.Helper()
	return Inode(t, fmt.Sprintf("/proc/%d/ns/mnt", pid))
}

// Must runs a command line (util-linux mount, say) and fails the test with
// its output when it fails.
func Must(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// BoundMountNS starts args (a command line that ends by exec'ing sleep in
// a new mount namespace, as Sleeper takes) and bind-mounts its
// /proc/PID/ns/mnt onto file, so that the namespace outlives the process.
// The kernel refuses the bind (EINVAL) when the new namespace's ID is not
// greater than this one's, and since Linux 6.18 IDs come from per-CPU
// batches: the command is started again pinned to each CPU in turn
// (taskset), as nstool unshare --mount=FILE does (spawn.BindNamespaceFiles).
// The bind is undone in t.Cleanup.
func BoundMountNS(t testing.TB, file string, args ...string) *exec.Cmd {
	t.Helper()
	ncpu := runtime.NumCPU()
	for try := 0; ; try++ {
		cmd := Sleeper(t, append([]string{"taskset", "-c", strconv.Itoa(try % ncpu)}, args...)...)
		err := syscall.Mount(fmt.Sprintf("/proc/%d/ns/mnt", cmd.Process.Pid), file, "", syscall.MS_BIND, "")
		if err == nil {
			t.Cleanup(func() { _ = syscall.Unmount(file, syscall.MNT_DETACH) })
			return cmd
		}
		Stop(cmd)
		if err != syscall.EINVAL || try == 4*ncpu {
			t.Fatalf("bind the namespace of %q onto %s: %v", args, file, err)
		}
	}
}
