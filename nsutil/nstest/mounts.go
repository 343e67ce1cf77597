package nstest

import (
	"os"
	"syscall"
	"testing"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// ReadMountinfo parses a saved mountinfo file (one a script wrote from
// inside another namespace, say); it fails the test when it cannot.
func ReadMountinfo(t testing.TB, path string) mountinfo.Table {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mounts, _, err := mountinfo.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return mounts
}

// TopMount is the mount on top at target in this process's mount table
// (mountinfo.Table.Top), nil when nothing is mounted there.
func TopMount(t testing.TB, target string) *mountinfo.Mount {
	t.Helper()
	mounts, err := mountinfo.Read(0)
	if err != nil {
		t.Fatal(err)
	}
	return mounts.Top(target)
}

// Mount is mount(2) for a test that cannot go on without it: it fails the
// test with "mount SOURCE on TARGET: ERR" when the kernel refuses.
func Mount(t testing.TB, source, target, fstype string, flags uintptr, data string) {
	t.Helper()
	if err := syscall.Mount(source, target, fstype, flags, data); err != nil {
		t.Fatalf("mount %s on %s: %v", source, target, err)
	}
}
