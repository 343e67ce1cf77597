package lab

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
	"github.com/nstool/nstool/nsutil/rootfs"
)

// Each Docker volume mode against the kernel (testdata/labs/91-volumes): the
// bind's propagation in the actor's mountinfo, recursive and not, what
// crosses each way, and Docker's refusals of a private source; the actors'
// own PID and UTS namespaces. Nothing is left in the test's mount table.
func TestActorVolumes(t *testing.T) {
	nstest.RequireRoot(t)
	dir, _ := filepath.Abs("testdata/labs")
	verifyPasses(t, nstoolCmd(t, "", append(stateEnv(t), "NSTOOL_LABS_DIR="+dir), "lab", "verify", "91-volumes"),
		"ok   91-volumes", "the mount table changed")
}

// An actor is named by a word a check can start with (and a hostname for
// --uts): an empty name, one with a space or one of 65 bytes is refused in
// one line, and the lab's actors stay as they were.
func TestActorNames(t *testing.T) {
	nstest.RequireRoot(t)
	script := "for n in '' 'a b' " + strings.Repeat("a", 65) + "; do nstool lab actor \"$n\"; echo rc=$?; done\nnstool lab shell '' -- true; echo rc=$?\nexit\n"
	out, errOut, _ := nstool(t, script, stateEnv(t), "lab", "start", "01-isolation")
	if strings.Count(out, "rc=1") != 4 || strings.Count(errOut, "nstool lab actor: actor name ") != 3 ||
		!strings.Contains(errOut, `nstool lab shell: no actor "" in this lab (actors: host)`) {
		t.Errorf("bad actor names:\n%s%s", out, errOut)
	}
}

// rootfsLab is a lab whose actors pivot into ROOTFS: one with a shared
// volume, one in a user namespace too, one in a user namespace without a
// PID namespace of its own (whose /proc can only be the sandbox's, bound).
const rootfsLab = `title: Engine test: actors with a root of their own
minutes: 1

Actors that pivot_root into a rootfs made from the host's files.
-- setup --
mkdir -p /lab/vol
nstool mount -t tmpfs vol /lab/vol
nstool mount --make-shared /lab/vol
-- step A container root --
Start the actors.
-- check --
box / has 3 mounts | the rootfs, its /proc and the volume: nothing of the old root
box /proc is mounted proc
box /lab is missing
box /data is peer of host /lab/vol
box /data/seen contains box 1 bin data dev etc
box /data/seen contains proc
ubox / has 3 mounts
ubox /data is slave of host /lab/vol
ubox /data/useen contains ubox 0 | root in its user namespace
nopid /proc is mounted proc
-- hint --
a
-- hint --
b
-- solution --
nstool lab actor box --pid --uts --rootfs ROOTFS --volume /lab/vol:/data:rshared
nstool lab actor ubox --user --pid --uts --rootfs ROOTFS --volume /lab/vol:/data:rslave
nstool lab actor nopid --user --rootfs ROOTFS
nstool lab shell box -- sh -c 'echo "$(hostname) $(ps -o pid= -p 1 | tr -d " ") $(echo $(ls /))" > /data/seen'
nstool lab shell ubox -- sh -c 'echo "$(hostname) $(id -u)" > /tmp/useen; cat /tmp/useen' > /lab/vol/useen
-- step The host's mount reaches the container --
Mount under the volume.
-- check --
box /data/h is mounted tmpfs
ubox /data/h is mounted tmpfs
-- hint --
a
-- hint --
b
-- solution --
mkdir /lab/vol/h
nstool mount -t tmpfs h /lab/vol/h
`

// Actors with --rootfs: pivot_root into a root built from the host's files
// (nsutil/rootfs), a fresh /proc, the old root gone, volumes bound under the
// new root before the pivot, and `lab shell` in all of the actor's
// namespaces and its root.
func TestActorRootfs(t *testing.T) {
	nstest.RequireRoot(t)
	before, _ := os.ReadFile("/proc/self/mountinfo")
	// The sandbox sees the host's top-level directories but its own /tmp:
	// the root is made on a tmpfs over /var/tmp in this test's private
	// mount namespace (TestMain), so that nothing is written on the host.
	if fi, err := os.Stat("/var/tmp"); err != nil || !fi.IsDir() {
		t.Skipf("no /var/tmp to mount the rootfs on: %v", err)
	}
	nstest.Mount(t, "rootfs", "/var/tmp", "tmpfs", 0, "size=64m")
	t.Cleanup(func() { syscall.Unmount("/var/tmp", syscall.MNT_DETACH) })
	root := "/var/tmp/root"
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	progs := append(append([]string{}, rootfs.DefaultPrograms...), "hostname", "id", "tr", "ls")
	if _, err := rootfs.Build(root, rootfs.Options{Programs: progs, Nstool: nstooltest.Binary(t)}); err != nil {
		t.Fatal(err)
	}
	labs := t.TempDir()
	os.MkdirAll(labs+"/92-rootfs", 0o755)
	os.WriteFile(labs+"/92-rootfs/README.md", []byte("# Lab 92 · Engine test\n\nWhy: actors with a root.\n"), 0o644)
	os.WriteFile(labs+"/92-rootfs/lab.txt", []byte(strings.ReplaceAll(rootfsLab, "ROOTFS", root)), 0o644)
	out, errOut, code := nstool(t, "", append(stateEnv(t), "NSTOOL_LABS_DIR="+labs), "lab", "verify", "92-rootfs")
	if code != 0 || !strings.Contains(out, "ok   92-rootfs") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	syscall.Unmount("/var/tmp", syscall.MNT_DETACH)
	sameMountTable(t, before, "the mount table changed")
}
