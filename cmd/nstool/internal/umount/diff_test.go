package umount_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd/mountcmdtest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// The starting states of the differential table, made with util-linux in
// a fresh tmpfs ($W, the working directory) with mountcmdtest's helpers:
// hold DIR keeps DIR busy (a process works in it), holdw FILE keeps FILE
// open for writing, ns2 CMDS starts a second mount namespace ($P) where
// CMDS ran; all of them are killed when the case ends.
var diffStates = map[string]string{
	// a/u was in a's peer group when peer/u and sl/u came of it, then left
	// it: unmounting peer/u takes a/u along (parent a is peer's peer).
	"tree": `mkdir a; mount -t tmpfs x a; mount --make-shared a; mkdir a/s a/u peer sl; mount -t tmpfs y a/s
		mount --bind a peer; mount --bind a sl; mount --make-slave sl; mount -t tmpfs ub a/u; mount --make-unbindable a/u`,
	"sub": `mkdir a b; mount -t tmpfs x a; mkdir a/s; mount -t tmpfs y a/s
		ln -s a la; ln -s b lb; ln -s nowhere ln; ln -s a/s ls`,
	"binds":   `mkdir a b c d; mount -t tmpfs cc a; mount --bind a b; mount --bind a c; mount -t tmpfs cc d`,
	"srcpath": `mkdir a sd; mount -t tmpfs "$W/sd" a`,
	"stacked": `mkdir a; mount -t tmpfs cc a; mount -t tmpfs dd a`,
	"ns2": `mkdir a b; mount -t tmpfs x a
		ns2 'mount -t tmpfs inner b; mkdir b/s; mount -t tmpfs inner2 b/s; ln -s s b/l'`,
}

// The table: util-linux umount 2.38.1 and nstool umount on the same state,
// the same stdout, stderr, exit code and mount tables afterwards (of both
// namespaces for ns2).
var diffCases = []struct{ state, cmd string }{
	// -v as util-linux: "DIR (SOURCE) unmounted" when the table was read,
	// "DIR unmounted" for an absolute directory (as typed), -R and -A.
	{"sub", "$U -v a/s"}, {"sub", "$U -v $W/a/s"}, {"sub", "$U -v $W/la/s"}, {"sub", "$U -v $W/./a/s"},
	{"sub", "$U -v $W/a/s/"}, {"sub", "$U -v -l $W/a/s"}, {"sub", "$U -v -f $W/a/s"}, {"sub", "$U -v -c $W/a/s"},
	{"sub", "$U -v -R a"}, {"sub", "$U -v -R la"}, {"sub", "$U -v -A a/s"}, {"sub", "$U -v $W/la"},
	// -R and -A unmount each mount by its absolute target, so the quick
	// path's rule holds there too; -d is forgotten after their first
	{"sub", "$U -v -R -c a"}, {"sub", "$U -v -l -R a"}, {"sub", "$U -v -f -A a/s"}, {"sub", "$U -v -c -A a/s"},
	{"sub", "mkdir a/s/u; mount -t tmpfs u a/s/u; $U -v -d -R a"}, {"binds", "$U -v -d -A a"}, {"binds", "$U -v -d -R a b"},
	{"binds", "$U -v -d a b c"}, {"sub", "touch f g; mount --bind f g; $U -v -A g"}, {"sub", "touch f g; mount --bind f g; $U -v -R g"},
	{"sub", "hold a/s; $U -v -r -A a/s"}, {"sub", "hold a/s; $U -v -r -c -A a/s"},
	// by source
	{"sub", "$U -v y"}, {"sub", "$U -v x"}, {"binds", "$U -v cc"}, {"binds", "$U -v cc cc cc"},
	{"srcpath", "$U -v sd"}, {"srcpath", "$U -v $W/sd"}, {"srcpath", "rmdir sd; $U -v sd"}, {"srcpath", "rmdir sd; $U -v $W/sd"},
	{"stacked", "$U -v cc"}, {"stacked", "$U -v dd"}, {"stacked", "$U -v -A cc"}, {"stacked", "$U -R cc"}, {"stacked", "$U -v -R a"},
	// not there; -q; symlinks named as typed
	{"sub", "$U -R nonexist"}, {"sub", "$U -q -R nonexist"}, {"sub", "$U -R b"}, {"sub", "$U -q -R b"},
	{"sub", "$U -R lb"}, {"sub", "$U -R ln"}, {"sub", "$U lb"}, {"sub", "$U ln"}, {"sub", "$U la"},
	{"sub", "$U -q lb"}, {"sub", "$U -q ln"}, {"sub", "$U -q b"}, {"sub", "$U -q nonexist"}, {"sub", "$U a/s a b nonexist"},
	// getopt_long: unique prefixes, an ambiguous one, a cluster
	{"sub", "$U --recur a"}, {"sub", "$U --verb a/s"}, {"sub", "$U --no a"}, {"sub", "$U -vR a"}, {"sub", "$U --lazy=x a"},
	// -t, -O (nothing to filter without -a) and what they exclude
	{"sub", "$U -t tmpfs a/s"}, {"sub", "$U -v -t proc a/s a"}, {"sub", "$U -O ro a/s"},
	{"sub", "$U -t proc -R a"}, {"sub", "$U -r -R a"}, {"sub", "$U -O x -t y -R a"},
	// 2.38.1 never counts -O among -O, -R, -t (its exclusion table is out of order)
	{"tree", "$U -vA ub"}, {"tree", "$U -vA a/u"}, {"tree", "$U -vA -R peer"}, {"tree", "$U -v --fake -A ub"}, {"tree", "$U -v -R peer a"},
	{"sub", "$U -R -O ro a"}, {"sub", "$U -O ro -R a"}, {"sub", "$U -O ro -r -R a"},
	// -c
	{"sub", "$U -v -c a//s"}, {"sub", "$U -v -c ./a/s"}, {"sub", "$U -v -c la/s"}, {"sub", "$U -v -c a/../a/s"},
	{"sub", "$U -c la"}, {"sub", "$U -c ls"},
	// -c makes a relative path absolute as libmount does: one "./" goes,
	// "." is the working directory itself, nothing else is cleaned
	{"sub", "cd a; $U -c ."}, {"sub", "cd a; $U -v -c -R ."}, {"sub", "cd a; $U -c -A ."}, {"sub", "cd a; $U -cq ."},
	{"sub", "cd a; $U -v -c ./s"}, {"sub", "cd a; $U -v -c ././s"}, {"sub", "cd a; $U -v -c .//s"}, {"sub", "cd a; $U -c ./"},
	{"sub", "cd a; $U -v -c s/."}, {"sub", "cd a/s; $U -v -c .."},
	// -d after an unmount of a path the table lacks: the loop lookup fails (exit 1)
	{"sub", "$U -v -c -d la/s"}, {"sub", "$U -c -d -l la"}, {"sub", "$U -c -d la/s a/s nonexist"}, {"sub", "$U -v --fake -c -d la/s"},
	// --fake, -i, -n, -d without a loop device
	{"sub", "$U -v --fake $W/a/s"}, {"sub", "$U -v --fake a/s"}, {"sub", "$U --fake -v -R la"}, {"sub", "$U --fake -v -A ls"},
	{"sub", "$U --fake nonexist"}, {"sub", "$U -v -i a/s"}, {"sub", "$U -v -n a/s"}, {"sub", "$U -v -d a/s"},
	// -A
	{"binds", "$U -v -A a"}, {"binds", "$U -v -A cc"}, {"binds", "$U -v -A b"}, {"binds", "$U -A nonexist"},
	{"binds", "$U -q -A nonexist"}, {"binds", "$U -v -A -R a"}, {"binds", "mkdir a/s; mount -t tmpfs s a/s; $U -v -A b"},
	{"binds", "mkdir a/s; mount -t tmpfs s a/s; $U -v -A -R b"}, {"binds", "hold c; $U -v -A a"}, {"binds", "hold c; $U -v -A a d"},
	// -r: busy, and a remount that fails too
	{"sub", "hold a/s; $U -r a/s"}, {"sub", "hold a/s; $U -v -r a/s"}, {"sub", "hold a/s; $U -r -l a/s"}, {"sub", "hold a/s; $U -r y"},
	{"sub", "hold a/s; $U -r a"}, {"sub", "hold a/s; $U -v -r $W/a/s"}, {"sub", "$U -r b"}, {"sub", "hold a/s; $U -q -r a/s"},
	{"sub", "holdw a/s/f; $U -v -r a/s"},
	// -N: a PID or a file; paths are the other namespace's, relative ones from its root
	{"ns2", "$U -v -N $P $W/b/s"}, {"ns2", "$U -v -N $P $W/b/l"}, {"ns2", "$U -v -N $P $W/b"}, {"ns2", "$U -v -N $P -R $W/b"},
	{"ns2", "$U -v -N $P -l $W/b"}, {"ns2", "$U -v -N $P $W/a"}, {"ns2", "$U -v -N $P -A inner2"},
	{"ns2", "$U -v -N /proc/$P/ns/mnt inner2"}, {"ns2", "$U -v -N $P $W/nonexist"}, {"ns2", "$U -v -N $P b"},
	{"ns2", "$U -v -N $P ${W#/}/b/s"}, {"ns2", "$U -N /proc/$P/ns/net a"}, {"ns2", "$U -N $P"},
	// -N's PID as parse_pid() reads it: strtoul(3), cut to a pid_t; 0 and -1 are file names
	{"ns2", `$U -v -N " $P" $W/b/s`}, {"ns2", "$U -v -N +$P $W/b/s"}, {"ns2", "$U -v -N 0$P $W/b/s"},
	{"ns2", "$U -N 0 $W/b/s"}, {"ns2", "$U -N -1 $W/b/s"}, {"ns2", "$U -N 1x $W/b/s"},
	{"sub", "$U -N 999999 a"}, {"sub", `$U -N "" a`}, {"sub", "$U -N abc a"}, {"sub", "$U -N /etc/passwd a"},
	{"sub", "$U -N $$ -v $W/a/s"}, {"sub", "$U -N $$ -v a"},
}

// TestUmountAsUtilLinux runs the table.
func TestUmountAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	for _, c := range diffCases {
		t.Run(c.state+"/"+c.cmd, func(t *testing.T) { mountcmdtest.Compare(t, diffStates[c.state], c.cmd) })
	}
	if !t.Failed() {
		t.Logf("%d command lines as util-linux umount", len(diffCases))
	}
}

// -d frees the loop device of the mount (and only with -d): a real ext2
// image on a loop device, detached again at the end whatever happened.
func TestDetachLoopAsUtilLinux(t *testing.T) { // and a loop device's other names
	nstest.RequireRoot(t)
	for _, tool := range []string{"losetup", "mkfs.ext2"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	// The trap unmounts and detaches the device however the case ends, so
	// that the next case finds no device of the same label (the device of
	// img only: after umount -d, $L may be another test's by now); flock: the
	// tests of two packages at once pick their devices in turn; mkfs writes
	// through the device, whose cache may hold a former case's blocks; a
	// fresh /run/blkid: libblkid's cache of a former case names another
	// device, and it probes the machine again only 200 s after the last
	// time (BLKID_PROBE_INTERVAL), so its LABEL= lookup failed whenever
	// another package's test held that case's loop device number.
	setup := `mount -t tmpfs blkid /run/blkid 2>/dev/null || true
		mkdir a; truncate -s 4M img; L=$(flock /dev/loop-control losetup -f --show img); mkfs.ext2 -q -L nstool-u-lbl "$L"
		trap 'umount -A $L 2>/dev/null; losetup -j "$W/img" -n -O NAME | xargs -r losetup -d' EXIT; mount "$L" a`
	// The backing file names the loop device's mount, as libmount finds it.
	for _, cmd := range []string{"$U -v -d a; losetup -j img | wc -l", "$U -v a; losetup -j img | wc -l",
		"$U -v img; losetup -j img | wc -l", "$U -v -d ./img; losetup -j img | wc -l", "$U -v -A img", "$U -R img", "$U -v -c img",
		// a tag names its device's mounts, as libblkid finds the device
		"$U -v LABEL=nstool-u-lbl", `$U -v 'LABEL="nstool-u-lbl"'`, "$U -v -A LABEL=nstool-u-lbl", "$U -v -c LABEL=nstool-u-lbl", "$U LABEL=nstool-none",
		// -d stays on while the mounts are of a loop device that has no
		// autoclear (LOOP_CLR_FD sets it while a bind still holds the
		// device): the next one is looked up in the table and -v names it
		"mkdir b; mount --bind a/lost+found b; $U -Adv a; losetup -j img | wc -l",
		"mkdir b; mount --bind a/lost+found b; $U -Rdv a b; losetup -j img | wc -l",
		"mkdir b; mount --bind a/lost+found b; $U -dv -A $L; losetup -j img | wc -l",
		"mkdir b c; mount --bind a/lost+found b; mount -t tmpfs t c; $U -dv $W/c $W/b $W/a; losetup -j img | wc -l"} {
		mountcmdtest.Compare(t, setup, cmd)
	}
}

// As a user (nobody): util-linux's umount is setuid and checks each
// argument first, unless an option made it drop its privileges; nstool
// says the same, and adds its hint after "must be superuser to unmount.".
func TestUmountAsUserAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv is not installed")
	}
	// The work area searchable by nobody, up to /.
	setup := `d=$W; while [ "$d" != / ]; do chmod a+x "$d"; d=$(dirname "$d"); done
		mkdir a b c; mount -t tmpfs x a; mkdir a/s; mount -t tmpfs y a/s; chmod 755 . a; ln -s b lb; ln -s nowhere ln`
	const as = "setpriv --reuid=65534 --regid=65534 --clear-groups $U "
	bin := nstooltest.BinaryForNobody(t)
	hint := strings.NewReplacer("must be superuser to unmount.\n", "must be superuser to unmount. hint: run as root, or inside `nstool unshare --user --map-root-user --mount`\n")
	for _, args := range []string{"b", "lb", "ln", "-q b", "-c b", "b c", "nonexist b", "b a/s", "''", "y", "-R b",
		"-A nonexist", "--fake a/s", "$W/a/./s", "-v a/s", "a/s",
		// an option outside "hdilqVv" (and -c, ignored) makes util-linux
		// drop its privileges and go on as root's umount: the kernel says
		"-f nonexist", "--fake nonexist", "--fake b", "-n ''", "-r b", "-t tmpfs b", "-O ro lb", "-f a/s", "-R b",
		"-n $W/a/s/", "-f -v y", "-A a/s", "-n ln", "-l b", "-d b", "-q b", "-c ln", "-v -c b"} {
		ul := mountcmdtest.Run(t, mountcmdtest.UtilLinux, setup, as+args)
		ns := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), setup, as+args)
		ul.Stderr = hint.Replace(ul.Stderr)
		if ul != ns {
			t.Errorf("as nobody, umount %s:\nutil-linux: rc %d, stderr %q\nnstool:     rc %d, stderr %q", args, ul.Code, ul.Stderr, ns.Code, ns.Stderr)
		}
	}
}
