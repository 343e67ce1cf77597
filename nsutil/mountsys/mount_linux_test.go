package mountsys_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountinfo"
	. "github.com/nstool/nstool/nsutil/mountsys"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

func TestMountCallString(t *testing.T) {
	for c, want := range map[Call]string{
		{Op: "mount", Source: "none", Target: "/lab/a", Flags: unix.MS_REC | unix.MS_SHARED}: `mount("none", "/lab/a", NULL, MS_REC|MS_SHARED, NULL)`,
		{Op: "mount", Source: "t", Target: "/x", FSType: "tmpfs", Data: "size=1m"}:           `mount("t", "/x", "tmpfs", 0, "size=1m")`,
		{Op: "umount2", Target: "/x", Flags: unix.MNT_DETACH}:                                `umount2("/x", MNT_DETACH)`,
	} {
		if got := c.String(); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

// A real mount, a real propagation change, read back from the kernel.
func TestMountAndReadBack(t *testing.T) {
	dir := nstest.Tmpfs(t)
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Mount("nsutil-test", sub, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	if err := Mount("none", sub, "", unix.MS_SHARED, ""); err != nil {
		t.Fatal(err)
	}
	mounts, err := mountinfo.Read(0)
	if err != nil {
		t.Fatal(err)
	}
	found := mounts.Top(sub)
	if found == nil || found.Source != "nsutil-test" || !found.Shared() || found.String() != "shared" {
		t.Fatalf("mount at %s: %+v", sub, found)
	}
	if err := Unmount(sub, 0); err != nil {
		t.Fatal(err)
	}
	err = Unmount(sub, 0)
	var me *Error
	if !errors.As(err, &me) || !errors.Is(err, unix.EINVAL) {
		t.Errorf("second umount: %v, want a *Error wrapping EINVAL", err)
	}
}
