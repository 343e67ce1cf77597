package findmnt_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// TestOptionsMatchAsUtilLinux: -O on an fstab entry with no options field
// is libmount's mnt_match_options(NULL, PATTERN): the lookup of the first
// option fails, so nothing but a pattern with no option at all ("", ",")
// matches it, not even "noro"; -i shows exactly those entries. The same
// with -t, --verify and the other outputs.
func TestOptionsMatchAsUtilLinux(t *testing.T) {
	table := writeTable(t, "/dev/nstool-a /nstool-z ext4\n"+
		"/dev/nstool-b /nstool-y ext4 rw 0 0\n"+
		"/dev/nstool-c /nstool-x xfs \t\n"+
		"/dev/nstool-d /nstool-w ext4 defaults\n"+
		"/dev/nstool-e /nstool-v ext4 ro,noexec\n")
	for _, filter := range [][]string{
		{"-O", "noro"}, {"-O", "ro"}, {"-O", "rw"}, {"-O", "+noro"}, {"-O", ""}, {"-O", ","}, {"-O", ",noro"},
		{"-O", "noexec"}, {"-O", "nodefaults"}, {"-O", "defaults"}, {"-O", `x="y,ro`}, {"-O", `noro,x="y`},
		{"-O", "noro", "-t", "ext4"}, {"-O", "noro", "-t", "noxfs"}, {"-t", "xfs", "-O", "nox"}, {"-t", "ext4"},
	} {
		for _, mode := range [][]string{{"-l"}, {"-l", "-i"}, {"-J"}, {"-x"}, {"-x", "-i", "--verbose"}} {
			args := append(append(append([]string{}, mode...), filter...), "-F", table)
			t.Run(strings.Join(args[:len(args)-2], " "), func(t *testing.T) { sameAsUtilLinux(t, args...) })
		}
	}
}

// idTagScript runs each line of $ARGS with findmnt and nstool in a mount
// namespace of its own whose /dev is a tmpfs holding null, zero, the loop
// device $LOOP and udev's /dev/disk/by-id links to it (nstool-disk) and
// to a character device (nstool-char), as a machine without udev has none.
const idTagScript = `
set -e
mkdir "$DIR/olddev" && mount --rbind /dev "$DIR/olddev"
mount -t tmpfs nstool-dev /dev
for n in null zero "${LOOP#/dev/}"; do touch "/dev/$n"; mount --bind "$DIR/olddev/$n" "/dev/$n"; done
mkdir -p /dev/disk/by-id
ln -s "../../${LOOP#/dev/}" /dev/disk/by-id/nstool-disk
ln -s ../../null /dev/disk/by-id/nstool-char
set +e
while IFS= read -r args; do
	for tool in findmnt "$NSTOOL findmnt"; do
		echo "@@ $args"
		eval "$tool $args" 2>&1
		echo "@@rc $?"
	done
done < "$ARGS"
`

// TestIDTagAsUtilLinux: ID= is a tag for libmount 2.38.1
// (mnt_valid_tagname), a name of udev's /dev/disk/by-id which libblkid
// follows to a block device (no superblock says it): -e shows the device
// or nothing, -x checks the device or says the source is unreachable,
// searches find the entry by its device. Without udev (this machine) and
// with a /dev/disk/by-id made for the test.
func TestIDTagAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireCommands(t, "findmnt", "losetup", "unshare")
	mkfs, err := exec.LookPath("mkfs.ext2")
	if err != nil {
		t.Skipf("no mkfs.ext2 to make a filesystem: %v", err)
	}
	base := nstest.Tmpfs(t)
	img := filepath.Join(base, "id.img")
	if err := os.WriteFile(img, make([]byte, 4<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(mkfs, "-q", "-F", img).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.ext2: %v\n%s", err, out)
	}
	loop := loopDevice(t, img)
	fstab := writeTable(t, "ID=nstool-disk /nstool-d ext2 defaults 0 0\n"+
		"ID=nstool-char /nstool-c ext2 defaults 0 0\n"+
		"ID=nstool-none /nstool-n ext2 defaults 0 0\n"+
		"ID=nstool-disk /nstool-x xfs defaults 0 0\n"+
		"id=nstool-disk /nstool-l ext2 defaults 0 0\n")
	var lines []string
	for _, a := range []string{
		"-l", "-l -e", "-P -e -o +SOURCES,UUID", "-J -o TARGET,SOURCE,SOURCES,UUID,LABEL", "-x", "-x --verbose", "-x -e", "-x -C",
		"-l -S ID=nstool-disk", "-l ID=nstool-disk", "-l -S " + loop, "-l " + loop, "-l -f ID=nstool-disk", "-l -S ID=nstool-none",
		"-l -S ID=nstool-char", "-l -C -S " + loop,
	} {
		lines = append(lines, a+" -F "+fstab)
	}
	o := privateBlkid(t)
	for _, withUdev := range []bool{false, true} {
		var out []byte
		if withUdev {
			args := filepath.Join(base, "args")
			if err := os.WriteFile(args, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", idTagScript)
			cmd.Env = append(append(os.Environ(), "DIR="+base, "ARGS="+args, "LOOP="+loop, "NSTOOL="+nstooltest.Binary(t)), o.Env...)
			if out, err = cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			sections := strings.Split(string(out), "@@ ")[1:]
			if len(sections) != 2*len(lines) {
				t.Fatalf("%d sections for %d command lines:\n%s", len(sections), len(lines), out)
			}
			if !strings.Contains(sections[2], loop+" ") { // -l -e
				t.Errorf("with /dev/disk/by-id, ID=nstool-disk is not %s:\n%s", loop, sections[2])
			}
			for i := 0; i < len(sections); i += 2 {
				ul, ns := sections[i], strings.ReplaceAll(sections[i+1], "nstool findmnt:", "findmnt:")
				if ul != ns {
					t.Errorf("with /dev/disk/by-id:\n--- util-linux\n%s--- nstool\n%s", ul, ns)
				}
			}
			continue
		}
		tools := nsexectest.Tools(t, "findmnt")
		for _, l := range lines {
			nsexectest.Compare(t, "findmnt", tools, o, strings.Fields(l)...)
		}
	}
}
