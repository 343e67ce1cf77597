package rootfs

import (
	"os"
	"os/exec"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// A container's start, as a runtime makes it: in a mount namespace of its
// own, `nstool pivot_root` into the built root (a tmpfs: a mount point),
// a fresh /proc (umount(8) reads the mount table from it), the old root
// detached; then the container sees its root
// and /proc and nothing of the host.
func TestPivotRootIntoBuiltRoot(t *testing.T) {
	dir := bigTmpfs(t)
	build(t, dir)
	bin := nstooltest.Binary(t)
	script := `set -e; cd "$ROOT"; mkdir old; "$BIN" pivot_root . old; cd /
exec /bin/sh -c 'mount -t proc proc /proc; umount -l /old; findmnt -rn -o TARGET; cat /etc/hostname; echo old: /old/*; ps -o comm= -p $$'`
	cmd := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c", script)
	cmd.Env = append(os.Environ(), "ROOT="+dir, "BIN="+bin, "PATH=/bin:/usr/bin")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := "/\n/proc\nrootfs-test\nold: /old/*\nsh\n"; string(out) != want {
		t.Errorf("in the container:\n%s\nwant:\n%s", out, want)
	}
}
