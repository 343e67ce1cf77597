package nstest

import (
	"fmt"
	"os/exec"
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
