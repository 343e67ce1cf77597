package mount_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// TestUtilLinuxSharedSubtree is util-linux's tests/ts/mount/shared-subtree
// (what it checks, not its code) run against nstool: each step's
// PROPAGATION (findmnt's text) and, for the last, VFS-OPTIONS.
func TestUtilLinuxSharedSubtree(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	mp := nstest.TmpfsDir(t, "mnt")
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("nstool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	propagation := func() string {
		t.Helper()
		m := nstest.TopMount(t, mp)
		if m == nil {
			t.Fatalf("%s is not a mount point", mp)
		}
		return m.Propagation.String()
	}
	expect := func(step, want string) {
		t.Helper()
		if got := propagation(); got != want {
			t.Errorf("%s: PROPAGATION %q, want %q", step, got, want)
		}
	}

	run("mount", "--bind", mp, mp)
	run("mount", "--make-shared", mp)
	expect("make-shared", "shared")
	run("mount", "--make-private", mp)
	expect("make-private", "private")
	run("mount", "--make-unbindable", mp)
	expect("make-unbindable", "private,unbindable")
	run("umount", mp)

	run("mount", "--make-shared", "--bind", mp, mp)
	expect("bind-shared", "shared")
	run("umount", mp)

	// Block-device mounts: an ext2 image on a loop device (autoclear, so it
	// goes away with its last mount even if the test is killed).
	if _, err := exec.LookPath("mkfs.ext2"); err != nil {
		t.Skip("mkfs.ext2 not installed: the block-device steps need it")
	}
	dev := loopDevice(t)
	run("mount", "--make-private", "--make-unbindable", dev, mp)
	expect("mount-private", "private,unbindable")
	if m := nstest.TopMount(t, mp); m.FSType != "ext2" {
		t.Errorf("probed type %q, want ext2", m.FSType)
	}
	run("umount", mp)

	run("mount", dev, mp, "-o", "ro,private")
	expect("mount-private-ro", "private")
	if m := nstest.TopMount(t, mp); m.VFSOptions != "ro,relatime" {
		t.Errorf("mount-private-ro: VFS-OPTIONS %q, want ro,relatime", m.VFSOptions)
	}
	run("umount", mp)
}

// loopDevice makes a 4 MiB ext2 image and attaches it to a free loop
// device with LO_FLAGS_AUTOCLEAR (loop(4)).
func loopDevice(t *testing.T) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "ext2.img")
	if err := os.WriteFile(img, make([]byte, 4<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mkfs.ext2", "-q", "-F", img).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.ext2: %v\n%s", err, out)
	}
	ctl, err := os.OpenFile("/dev/loop-control", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no loop devices: %v", err)
	}
	defer ctl.Close()
	n, err := unix.IoctlRetInt(int(ctl.Fd()), unix.LOOP_CTL_GET_FREE)
	if err != nil {
		t.Fatal(err)
	}
	dev := "/dev/loop" + strconv.Itoa(n)
	lf, err := os.OpenFile(dev, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	backing, err := os.OpenFile(img, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer backing.Close()
	cfg := unix.LoopConfig{Fd: uint32(backing.Fd())}
	cfg.Info.Flags = unix.LO_FLAGS_AUTOCLEAR
	if err := unix.IoctlLoopConfigure(int(lf.Fd()), &cfg); err != nil {
		lf.Close()
		t.Fatalf("LOOP_CONFIGURE %s: %v", dev, err)
	}
	// Keep the device open until the test ends; with autoclear it detaches
	// when this and every mount of it are gone.
	t.Cleanup(func() { lf.Close() })
	return dev
}
