package mount_test

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd/mountcmdtest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// asNobody is the prefix that runs a command as an unprivileged user
// (setpriv as nobody); it needs root, and setpriv.
func asNobody(t *testing.T) string {
	t.Helper()
	nstest.RequireRoot(t)
	nstest.RequireCommands(t, "setpriv")
	return "setpriv --reuid=65534 --regid=65534 --clear-groups "
}

// searchable, added to a setup, makes the work area searchable by
// nobody, so that path lookup is not what fails.
const searchable = `; chmod 755 . a; d=$PWD; while [ "$d" != / ]; do chmod a+x "$d"; d=$(dirname "$d"); done`

// As an unprivileged user: util-linux's message, 32, the hint, nothing
// changed.
func TestNonRoot(t *testing.T) {
	nobody := asNobody(t)
	bin := nstooltest.Binary(t)
	setup := states[0].setup + searchable
	for _, cmd := range []string{
		"$M --make-shared a",
		"$M --make-rprivate a",
		"mkdir b; $M --bind a b",
		"mkdir b; $M -t tmpfs x b",
		"$U a/sub",
	} {
		t.Run(cmd, func(t *testing.T) {
			cmdAs := strings.Replace(strings.Replace(cmd, "$M", nobody+"$M", 1), "$U", nobody+"$U", 1)
			ul := mountcmdtest.Run(t, mountcmdtest.UtilLinux, setup, cmdAs)
			ns := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), setup, cmdAs)
			if ul.Code != 32 || ns.Code != 32 {
				t.Errorf("exit codes: util-linux %d, nstool %d, want 32", ul.Code, ns.Code)
			}
			if ul.Table != ns.Table {
				t.Errorf("tables differ:\n%s\n%s", ul.Table, ns.Table)
			}
			untouched := mountcmdtest.Run(t, mountcmdtest.UtilLinux, setup, "true")
			if ns.Table != untouched.Table {
				t.Errorf("nstool changed the table as non-root:\n%s", ns.Table)
			}
			want := strings.TrimSuffix(ul.Stderr, "\n") + " hint: run as root, or inside `nstool unshare --user --map-root-user --mount`\n"
			if !strings.Contains(ul.Stderr, "must be superuser to ") || ns.Stderr != want {
				t.Errorf("stderr:\nutil-linux %q\nnstool     %q\nwant       %q", ul.Stderr, ns.Stderr, want)
			}
		})
	}
}

// Where nstool deliberately differs: it never reads /etc/fstab (one path
// gets util-linux's words for a path fstab does not list), and a
// propagation-only -o list with one path acts like --make-*.
func TestNoFstab(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	o := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), states[3].setup, "$M a")
	if o.Code != 1 || o.Stderr != "mount: a: can't find in /etc/fstab.\n" {
		t.Errorf("mount with one path: exit %d, stderr %q", o.Code, o.Stderr)
	}
	viaO := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), states[3].setup, "$M -o rshared a")
	viaMake := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), states[3].setup, "$M --make-rshared a")
	if viaO.Code != 0 || viaO.Table != viaMake.Table {
		t.Errorf("-o rshared a: exit %d %s\ntable:\n%s\nwant:\n%s", viaO.Code, viaO.Stderr, viaO.Table, viaMake.Table)
	}
	if o := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), states[3].setup, "mkdir b; $M -o loop x b"); o.Code != 1 || !strings.Contains(o.Stderr, "loop") {
		t.Errorf("-o loop: exit %d, %q", o.Code, o.Stderr)
	}
}

// util-linux 2.38.1 fails on --make-shared --make-rshared (a leftover
// MS_REC turns the call into a mount of "none"); nstool makes the one
// MS_SHARED call that the dedup rule leaves.
func TestSameTypeTwice(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	ul := mountcmdtest.Run(t, mountcmdtest.UtilLinux, states[3].setup, "$M --make-shared --make-rshared a")
	ns := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), states[3].setup, "$M --make-shared --make-rshared a")
	want := mountcmdtest.Run(t, mountcmdtest.UtilLinux, states[3].setup, "$M --make-shared a")
	if ul.Code != 32 {
		t.Logf("util-linux no longer fails here (exit %d): the difference in docs/mount.md can go", ul.Code)
	}
	if ns.Code != 0 || ns.Table != want.Table {
		t.Errorf("nstool: exit %d %s\n%s\nwant:\n%s", ns.Code, ns.Stderr, ns.Table, want.Table)
	}
}

// --fake shows the calls and makes none.
func TestFake(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	o := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), states[3].setup, "mkdir b; $M --fake --explain --make-shared --bind -o ro a b")
	untouched := mountcmdtest.Run(t, mountcmdtest.UtilLinux, states[3].setup, "true")
	if o.Code != 0 || o.Table != untouched.Table {
		t.Errorf("--fake changed the table or failed: exit %d\n%s", o.Code, o.Table)
	}
	for _, want := range []string{
		`mount("$D/a", "$D/b", NULL, MS_RDONLY|MS_BIND, NULL) (not made: --fake)`,
		`mount("none", "$D/b", NULL, MS_SHARED, NULL) (not made: --fake)`,
		`mount("none", "$D/b", NULL, MS_RDONLY|MS_REMOUNT|MS_BIND, NULL) (not made: --fake)`,
	} {
		if !strings.Contains(o.Stderr, want) {
			t.Errorf("--fake output lacks %s:\n%s", want, o.Stderr)
		}
	}
}

// mount -N PID|FILE mounts in that process's namespace, as util-linux
// does: the mount is there and not here, and a namespace that cannot be
// joined is util-linux's line and exit 2.
func TestMountInAnotherNamespace(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	for _, tool := range []string{"mount", bin + " mount"} {
		sleeper := nstest.Sleeper(t, "unshare", "-m", "--propagation", "private", "sleep", "1000")
		pid := strconv.Itoa(sleeper.Process.Pid)
		dir := t.TempDir()
		script := tool + " -N " + pid + " -t tmpfs ns-only " + dir + " && " + tool + " -N /proc/" + pid + "/ns/mnt --make-shared " + dir +
			" && nsenter -t " + pid + " -m findmnt -n -o SOURCE,PROPAGATION " + dir + "; findmnt -n " + dir + "; echo here=$?; " +
			tool + " -N 999999999 -t tmpfs x " + dir + " 2>&1 | sed 's/^nstool //'; echo rc=${PIPESTATUS[0]}"
		out, err := exec.Command("bash", "-c", script).CombinedOutput()
		want := "ns-only shared\nhere=1\nmount: failed to set target namespace to /proc/999999999/ns/mnt: No such file or directory\nrc=2\n"
		if err != nil || strings.Join(strings.Fields(string(out)), " ") != strings.Join(strings.Fields(want), " ") {
			t.Errorf("%s -N: %v\n%s\nwant:\n%s", tool, err, out, want)
		}
		nstest.Stop(sleeper)
	}
}

// As an unprivileged user, where util-linux's setuid mount answers before
// any system call: the fstab lookup of one path names it canonicalized
// while mount(8) is still restricted (only options of "hlLUVvrist",
// --source, --target) and as typed after any other option; a target that
// -m cannot create. The same stdout, stderr, exit code and table.
func TestNonRootBeforeTheKernel(t *testing.T) {
	nobody := asNobody(t)
	bin := nstooltest.BinaryForNobody(t)
	setup := states[0].setup + "; mkdir b" + searchable
	for _, cmd := range []string{
		"$M b", "$M -v b", "$M -o ro b", "$M -c b", "$M --target b", "$M -r --target b", "$M -w --target b",
		"$M -m -t tmpfs x nb", "$M -o X-mount.mkdir --bind a nb/c",
	} {
		t.Run(cmd, func(t *testing.T) {
			cmdAs := strings.Replace(cmd, "$M", nobody+"$M", 1)
			ul := mountcmdtest.Run(t, mountcmdtest.UtilLinux, setup, cmdAs)
			ns := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), setup, cmdAs)
			if ul != ns {
				t.Errorf("%s:\nutil-linux %+v\nnstool     %+v", cmd, ul, ns)
			}
		})
	}
}

// The listing's -t patterns as libmount matches them (case-insensitive
// names, a "no" before the list or before one item), a source that is an
// empty name (printed empty, not "none"), control characters of a mount
// point printed as "?" (a source's as they are), -T's files checked and not
// read, -s only as a letter.
func TestDifferentialListingAndLetters(t *testing.T) {
	nstest.RequireRoot(t)
	setup := `mkdir a b g peer q 'back\slash'; mount -t tmpfs x a; mount -t proc proc b; mount -t sysfs sysfs g
		mount -t tmpfs '' peer; mount -t ramfs 'back\x' 'back\slash'
		mkdir "$(printf 't\tab')" "$(printf 'n\nl')"; mount -t tmpfs "$(printf 't\tsrc')" "$(printf 't\tab')"
		mount -t tmpfs "$(printf 'n\nsrc')" "$(printf 'n\nl')"`
	for _, cmd := range []string{
		"$M -t tmpfs", "$M -t TMPFS", "$M -t noTmpfs", "$M -t tmpfs,noproc", "$M -t notmpfs,proc", "$M -t PROC,ramfs",
		"$M -t notmpfs,noproc", "$M -t nonoproc", "$M -t ramfs -l", "$M -v -o remount,ro peer", "$M -v -o remount,ro q",
		"$M -T /etc/fstab -t tmpfs x q", "$M -T $PWD -t tmpfs x q", "$M -T /dev/null -t tmpfs x q", "$M -T nonexist a", "$M -T",
		"$M -s -t tmpfs x q", "$M --sloppy -t tmpfs x q", "$M --sl -t tmpfs x q", "$M -mv -t tmpfs x nb",
	} {
		t.Run(cmd, func(t *testing.T) { mountcmdtest.Compare(t, setup, cmd) })
	}
}

// -V prints the version the moment getopt returns it, as util-linux's
// commands do: an unknown option or a missing argument after it is never
// read (exit 0); before it, it is the usage error. nstool's version line
// is its own (docs/umount.md), so stdout is compared with nstool's -V.
func TestVersionFirst(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	for _, tool := range []string{"$M", "$U"} {
		version := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), "", tool+" -V")
		for _, line := range []string{" -Vx", " -V --bogus", " -V -t", " --version -Z", " -xV"} {
			ul := mountcmdtest.Run(t, mountcmdtest.UtilLinux, "", tool+line)
			ns := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), "", tool+line)
			if ul.Code != ns.Code || ul.Stderr != ns.Stderr || (ns.Code == 0) != (ns.Stdout == version.Stdout) {
				t.Errorf("%s%s: util-linux %+v, nstool %+v", tool, line, ul, ns)
			}
		}
	}
}

// Labels and UUIDs without udev (no /dev/disk/by-*): read from the
// devices' superblocks as libblkid reads them, for -L, -U, LABEL=, UUID=
// and the labels of mount -l. libblkid's cache (/run/blkid) gets a tmpfs
// of the case's own, so that nothing of it reaches the host. A remount
// finds the mount by its device too. The trap unmounts and detaches the
// device of img, so that the next case finds no device of the same label; flock:
// the tests of two packages at once pick their devices in turn; mkfs
// writes through the device, whose cache may hold a former case's blocks.
func TestDifferentialLabelsFromSuperblocks(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireCommands(t, "losetup", "mkfs.ext4")
	const uuid = "0e4e0e4e-1111-2222-3333-444455556666"
	setup := `mount -t tmpfs blkid /run/blkid 2>/dev/null || true
		mkdir a b c; truncate -s 8M img; L=$(flock /dev/loop-control losetup -f --show img); mkfs.ext4 -q -L nstool-m-lbl -U ` + uuid + ` "$L"
		trap 'umount -A $L 2>/dev/null; losetup -j "$W/img" -n -O NAME | xargs -r losetup -d' EXIT; mount "$L" a`
	for _, cmd := range []string{
		"$M -l -t ext4", "$M -t ext4", "$M -L nstool-m-lbl b", "$M -v -U " + uuid + " b", "$M UUID=" + uuid + " b",
		"$M LABEL=nstool-m-lbl -o ro b", "$M -L nstool-none b", "$M -U 0e4e0e4e-0000-0000-0000-000000000000 b",
		"$M --source LABEL=nstool-m-lbl --target c", "$M -l -t tmpfs",
		// a remount by the device's name: its last mount
		"$M -o remount,ro $L", "$M -v -o remount,ro,nosuid $L", "$M -o remount,ro img",
		// one tag: a remount of its device's last mount, else an fstab lookup
		"$M -o remount,ro LABEL=nstool-m-lbl", "$M -v -o remount,ro -L nstool-m-lbl", "$M --make-shared LABEL=nstool-m-lbl",
		"$M -o remount,ro LABEL=nstool-none", "$M LABEL=nstool-m-lbl",
	} {
		t.Run(cmd, func(t *testing.T) { mountcmdtest.Compare(t, setup, cmd) })
	}
}
