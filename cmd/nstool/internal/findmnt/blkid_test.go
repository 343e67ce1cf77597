package findmnt_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// privateBlkid runs util-linux with libblkid's cache in the test's own
// directory rather than the machine's /run/blkid/blkid.tab: the test leaves
// no cache behind, and no earlier run's cache answers for a device.
func privateBlkid(t *testing.T) nsexectest.Options {
	return nsexectest.Options{Env: []string{"BLKID_FILE=" + filepath.Join(t.TempDir(), "blkid.tab")}}
}

// loopDevice attaches img to a free loop device (losetup(8)) and detaches
// it when the test ends.
func loopDevice(t *testing.T, img string) string {
	t.Helper()
	out, err := exec.Command("losetup", "-f", "--show", img).Output()
	if err != nil {
		t.Fatalf("losetup -f --show %s: %v", img, err)
	}
	dev := strings.TrimSpace(string(out))
	t.Cleanup(func() { _ = exec.Command("losetup", "-d", dev).Run() })
	return dev
}

// TestTagsAsUtilLinux compares what libblkid tells util-linux about
// devices (the UUID and LABEL columns, SOURCES, LABEL= and UUID= sources
// with -e and in searches, --verify's translations) with what nstool reads
// from the superblocks: two loop devices holding the same ext2 filesystem
// (one mounted in the test's namespace), and an fstab naming them.
func TestTagsAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "findmnt")
	mkfs, err := exec.LookPath("mkfs.ext2")
	if err != nil {
		t.Skipf("no mkfs.ext2 to make a filesystem: %v", err)
	}
	base := nstest.Tmpfs(t)
	const uuid, label = "5d4c3b2a-1f0e-4d9c-8b7a-695847362514", "nstool-tags"
	img := filepath.Join(base, "a.img")
	if err := os.WriteFile(img, make([]byte, 4<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(mkfs, "-q", "-F", "-L", label, "-U", uuid, img).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.ext2: %v\n%s", err, out)
	}
	data, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	copyImg := filepath.Join(base, "b.img")
	if err := os.WriteFile(copyImg, data, 0o644); err != nil {
		t.Fatal(err)
	}
	devA, devB := loopDevice(t, img), loopDevice(t, copyImg)
	mnt := filepath.Join(base, "mnt")
	sub := filepath.Join(mnt, "sub")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	nstest.Mount(t, devA, mnt, "ext2", 0, "")
	t.Cleanup(func() { _ = unix.Unmount(mnt, unix.MNT_DETACH) })
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	nstest.Mount(t, "sub", sub, "tmpfs", 0, "size=1m")
	fstab := writeTable(t, strings.Join([]string{
		img + " /mnt/i ext2 loop 0 0",
		"LABEL=" + label + " /mnt/l ext2 defaults 0 0",
		"UUID=" + uuid + " " + mnt + " ext2 defaults 0 0",
		devB + " /mnt/b ext2 defaults 0 0",
		"UUID=00000000-nstool /mnt/none ext2 defaults 0 0",
	}, "\n")+"\n")
	o := privateBlkid(t)
	for _, args := range [][]string{
		{"-o", "TARGET,SOURCES,UUID,LABEL", "-T", mnt},
		{"-o", "SOURCES,TARGET,FSTYPE", "-R", mnt},
		{"-o", "TARGET,SOURCES,FSTYPE", "-R", mnt, "-a"},
		{"-o", "TARGET,SOURCES,UUID", "-R", mnt, "-J"},
		{"-o", "TARGET,SOURCES,UUID", "-R", mnt, "-r"},
		{"-o", "TARGET,SOURCES", "-R", mnt, "-P"},
		{"-s", "-F", fstab, "-o", "SOURCE,SOURCES,UUID,LABEL,TARGET"},
		{"-s", "-F", fstab, "-o", "SOURCE,SOURCES,UUID,LABEL,TARGET", "-e"},
		{"-s", "-F", fstab, "-o", "UUID,SOURCES,TARGET", "-e", "-J"},
		{"-s", "-F", fstab, "-o", "SOURCE,UUID,LABEL", "-C"},
		{"-s", "-F", fstab, devB},
		{"-s", "-F", fstab, "-S", "UUID=" + uuid},
		{"-s", "-F", fstab, "LABEL=" + label, "-o", "TARGET"},
		// -f SPEC is mount(8)'s lookup: a tag as written in any entry
		// before the entries whose tags name the same device
		{"-s", "-F", fstab, "-f", "UUID=" + uuid}, {"-s", "-F", fstab, "-f", "LABEL=" + label, "-d", "backward"},
		{"-s", "-F", fstab, "-f", devA}, {"-s", "-F", fstab, "-f", devB, "-d", "backward"}, {"-s", "-F", fstab, "-f", "-C", "UUID=" + uuid},
		{"-x", "--verbose", "-F", fstab},
		{"-x", "--verbose", "-C", "-F", fstab}, // -C: tags unresolved, but for the type check
	} {
		nsexectest.Compare(t, "findmnt", tools, o, args...)
	}
	// On a narrow terminal SOURCES' lines are printed whole but its last
	// line, which is cut to the column's width, the rest on lines below.
	if _, err := exec.LookPath("script"); err == nil {
		bin := nstooltest.Binary(t)
		for _, cols := range []string{"20", "30"} {
			for _, args := range []string{"-o TARGET,SOURCES,FSTYPE -R " + mnt, "-s -F " + fstab + " -e -o SOURCES,TARGET,SOURCE"} {
				show := func(tool string) string {
					c := exec.Command("script", "-qec", "stty cols "+cols+"; "+tool+" "+args, "/dev/null")
					c.Env = append(append(os.Environ(), "NO_COLOR=1"), o.Env...)
					out, err := c.Output()
					if err != nil {
						t.Fatalf("script: %v", err)
					}
					return strings.ReplaceAll(string(out), "nstool findmnt:", "findmnt:")
				}
				if ul, ns := show("findmnt"), show(bin+" findmnt"); ul != ns {
					t.Errorf("%s columns, findmnt %s:\n--- nstool\n%s--- util-linux\n%s", cols, args, ns, ul)
				}
			}
		}
	}
	// the same in util-linux HEAD's own test's words
	r := runNstool(t, "C", []string{"-s", "-F", fstab, "-e", "-o", "UUID,SOURCES"})
	if !strings.Contains(r.stdout, uuid+" "+devB+"\n") || !strings.Contains(r.stdout, "\n                                     "+devA) {
		t.Errorf("-e -o UUID,SOURCES lists the devices with the UUID on lines of their own:\n%s", r.stdout)
	}
}
