package mount_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd/mountcmdtest"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// Starting states for the differential tests. Each runs in a fresh tmpfs
// (the current directory) with util-linux mount; "a" is the mount the
// tested command works on and "a/sub" a submount, so that the recursive
// forms have something to recurse into.
var states = []state{
	{"shared", `mkdir a peer; mount -t tmpfs a a; mount --make-shared a; mount --bind a peer
		mkdir a/sub; mount -t tmpfs sub a/sub`},
	{"slave", `mkdir m a; mount -t tmpfs m m; mount --make-shared m; mount --bind m a; mount --make-slave a
		mkdir a/sub; mount -t tmpfs sub a/sub; mount --make-shared a/sub`},
	{"shared+slave", `mkdir m a; mount -t tmpfs m m; mount --make-shared m; mount --bind m a; mount --make-slave a
		mount --make-shared a; mkdir a/sub; mount -t tmpfs sub a/sub`},
	{"private", `mkdir a; mount -t tmpfs a a; mkdir a/sub; mount -t tmpfs sub a/sub; mount --make-shared a/sub`},
	{"unbindable", `mkdir a; mount -t tmpfs a a; mkdir a/sub; mount -t tmpfs sub a/sub; mount --make-unbindable a`},
}

type state struct{ name, setup string }

var makeWords = []string{"shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable"}

// The differential table: each group's commands from each of its starting
// states, compared with util-linux by mountcmdtest.Compare (exit code,
// stdout, stderr and mount tables); check, where set, asks more of
// util-linux's outcome (nstool's is the same, or Compare said how not).
var differential = []struct {
	name  string
	from  []state
	check func(t *testing.T, st state, cmd string, o mountcmdtest.Outcome)
	cmds  []string
}{
	// Every starting state × every --make-* flag, recursive and not.
	{"MakeFlags", states, nil, makeFlags()},
	// Several propagation flags in one call: one mount(2) each, in order,
	// each type once (as util-linux).
	{"SeveralFlags", states, nil, []string{
		"$M --make-shared --make-rslave --make-private a",
		"$M --make-private --make-shared --make-private a",
		"$M --make-unbindable --make-rshared a",
		"$M --make-rslave --make-runbindable a/sub",
	}},
	// Bind and rbind of each kind of source, with and without flags and
	// propagation changes; an unbindable source must fail.
	{"Bind", states, nil, []string{
		"mkdir b; $M --bind a b",
		"mkdir b; $M --rbind a b",
		"mkdir b; $M -B a b",
		"mkdir b; $M -R a/sub b",
		"mkdir b; $M --bind -o ro a b",
		"mkdir b; $M --rbind -o ro,nosuid a b",
		"mkdir b; $M --make-shared --bind a b",
		"mkdir b; $M --make-rslave --rbind a b",
		"mkdir b; $M --make-private --bind -o ro,nodev --make-rshared a b",
		"mkdir b; $M -o bind,shared a b",
		// onto a shared destination: the bind propagates to its peer.
		"mkdir s t; mount -t tmpfs s s; mount --make-shared s; mount --bind s t; mkdir s/b; $M --bind a s/b",
		"mkdir s t; mount -t tmpfs s s; mount --make-shared s; mount --bind s t; mkdir s/b; $M --rbind a s/b",
	}},
	{"UnbindableFails", states[4:5], exits(32), []string{"mkdir b; $M --bind a b", "mkdir b; $M --rbind a b"}},
	// Moves: under a shared parent must fail (EINVAL), others follow 5d.
	{"MoveFromUnderShared", states[0:1], exits(32), []string{"mkdir b; $M --move a/sub b"}},
	{"Move", states, nil, []string{
		"mkdir b; $M --move a b",
		"mkdir b; $M -M a b",
		"mkdir b; $M -o move a b",
		"mkdir s b; mount -t tmpfs s s; mount --make-shared s; mkdir s/b; $M --move a s/b",
	}},
	// New mounts: options split into flags and data, propagation afterwards.
	{"NewMounts", states[3:4], nil, []string{
		"mkdir b; $M -t tmpfs -o size=1m,mode=700,noexec,nosuid x b",
		"mkdir b; $M --source x --target b -t tmpfs", "mkdir b; $M --source x b -t tmpfs",
		"mkdir b; $M --target b x -t tmpfs", "mkdir b; $M --sou x --tar b -t tmpfs",
		"mkdir b; $M -t tmpfs x b; $M -l -t tmpfs",
		"mkdir b; $M -t tmpfs -o ro,defaults,nofail,x-foo=1,comment=hi x b",
		"mkdir b; $M -r -t tmpfs x b",
		"mkdir b; $M -t proc proc b",
		"mkdir b; $M -t sysfs sysfs b",
		"mkdir b; $M --make-shared -t tmpfs x b",
		"mkdir b; $M -t tmpfs -o rshared,noatime x b",
		"mkdir b; $M -t bogusfs,tmpfs x b",
		"mkdir l u w o; echo low >l/f; $M -t overlay -o lowerdir=$PWD/l,upperdir=$PWD/u,workdir=$PWD/w ov o",
		"mkdir b; mount -t tmpfs s b; mount --make-shared b; mkdir b/c a/c; mount --bind b a/c; $M -t tmpfs y b/c",
		"$M -m -t tmpfs x new/dir; stat -c '%n %a' new new/dir",
		"$M --mkdir=0700 --bind a n2; stat -c '%n %a' n2",
		"$M -o X-mount.mkdir=0711 -t tmpfs x n3; stat -c '%n %a' n3",
	}},
	// A -t list: every type is tried until one mounts, whatever the
	// others' errors; the message is the last one's ("auto" in the list is
	// the probed type). A "no..." pattern stops at the first refusal that
	// is not EINVAL or ENODEV.
	{"TypeLists", states[3:4], nil, []string{
		"mkdir x; $M -t ext2,tmpfs src x",
		"mkdir x; $M -t ext3,ext2,tmpfs src x",
		"touch f; $M -t tmpfs,ext2 src f",
		"touch f; $M -t ext2,tmpfs src f",
		"mkdir x; $M -t ext2,foo src x",
		"mkdir x; $M -t ext2, src x",
		"mkdir x; $M -t ,tmpfs src x",
		"mkdir x; $M -t foo,bar src x",
		"mkdir x; $M -t ext2,tmpfs /dev/null x",
		"mkdir x; $M -t tmpfs,auto src x",
		"mkdir x; $M -t auto,tmpfs src x",
		"mkdir x; $M -t noext2 src x",
		"mkdir x; $M -t noext2,noext3 /dev/null x",
	}},
	// Remounts keep the mount's current options, as util-linux does: its
	// VFS options, and its superblock's flags and data.
	{"Remount", states[3:4], nil, []string{
		"mkdir x; mount -t tmpfs -o lazytime,sync,dirsync x x; $M -o remount x",
		"mkdir x; mount -t tmpfs -o lazytime,sync x x; $M -o remount,ro x", "mkdir x; mount -t tmpfs -o lazytime x x; $M -o remount,nolazytime x",
		"mkdir x b; mount -t tmpfs -o sync x x; mount --bind -o ro x b; $M -o remount b",
		"mkdir x b; mount -t tmpfs -o sync x x; mount --bind -o ro x b; $M -o remount,bind b",
		"mkdir x; mount -t tmpfs -o lazytime,size=1m x x; $M -o remount,size=2m x",
		"$M -o remount,ro a",
		"mount -o remount,nosuid,noexec a; $M -o remount,rw,size=2m a",
		"$M -o remount,ro,bind a",
		"$M -o remount,ro,rshared a",
	}},
	// The one path of a remount is looked up as a mount point, then as
	// the source of the last mount that has it (bind remounts too); a
	// remount with move of a path no mount has is refused before the
	// kernel (exit 1), as a move without a source.
	{"RemountLookups", states[3:4], nil, []string{
		"$M -o remount,bind,ro sub", "$M -B -o remount,ro sub", "$M --rbind -o remount,ro sub",
		"$M -o remount,ro sub", "mkdir c; mount --bind a c; $M -o remount,bind,ro a",
		"mkdir x; $M -o remount,move x", "$M -o remount,move nonexist", "touch f; $M -o remount,move f",
		"$M -o remount,move a", "mkdir x; $M --move -o remount x", "mkdir x; $M -o remount -o move x",
		"mkdir x; $M -o remount,move,bind x", "mkdir x; $M -o remount,bind x",
		// --make-* given: mount(8) looks nothing up (MNT_OMODE_NOTAB).
		"$M --make-private -o remount,bind,ro sub", "mount -o remount,nosuid a; $M --make-shared -o remount,ro a",
		// uid and gid options: names become numbers, useruid and usergid
		// the caller's IDs; no value is refused before the kernel.
		"mkdir x; $M -t tmpfs -o uid=nobody,gid=nogroup src x", "mkdir x; $M -t tmpfs -o uid=useruid,gid=usergid src x",
		"mkdir x; $M -t tmpfs -o mode=700,uid=root src x", "mkdir x; $M -t tmpfs -o uid=nosuchuser src x",
		"mkdir x; $M -t tmpfs -o uid= src x", "mkdir x; $M -t tmpfs -o uid src x", "mkdir x; $M -t tmpfs -o ro,gid= src x",
		"mkdir x; $M -t ramfs -o uid= src x", "mkdir x; $M --bind -o uid= a x", "$M -o remount,uid=nobody a",
		"$M -o remount,uid= a", "mkdir x; $M -t tmpfs -o x-uid= src x", "mkdir x; $M -t tmpfs -o uid=0x10 src x",
	}},
	// nofail: a source that is not there, or no usable device, is no
	// failure (exit 0, nothing said); a missing mount point still is.
	{"NoFail", states[3:4], nil, []string{
		"mkdir x; $M -o nofail src x", "mkdir x; $M -v -o nofail src x", "mkdir x; $M --bind -o nofail /nonexist x",
		"mkdir x; $M -o nofail,ro nonexist x", "mkdir x; $M -o nofail $PWD/nonexist x", "$M -o nofail -t tmpfs x nonexist",
		"mkdir x; $M -o nofail LABEL=nstool-none x", "mkdir x; $M -o nofail UUID=0000-nstool x", "mkdir x; touch f; $M -o nofail f x",
		"mkdir x; $M -o nofail -t ext2 /dev/null x", "mkdir x; touch f; $M -o nofail -t tmpfs x f", "mkdir x; $M -o nofail,remount x",
		"mkdir x; $M -o nofail -t ext2 f/g x",
	}},
	// An empty target is the "/" libmount's path cache holds once the
	// source "/" was canonicalized; for any other source, no such path.
	{"EmptyTarget", states[3:4], nil, []string{
		"$M --bind / ''", "$M --rbind / ''", "$M --move / ''", "$M --bind a ''", "$M --bind // ''",
		"$M -c --bind / ''", "$M -t tmpfs / ''", "$M --bind /. ''",
	}},
	// Bad input: one line, util-linux's code (32), nothing changed.
	{"BadInput", states[0:1], failsInOneLine, []string{
		"mkdir b; $M --make-shared b",
		"$M --make-rshared nonexist",
		"$M --make-private ./nonexist/x",
		"mkdir b; $M -t bogusfs x b",
		"mkdir b; $M --bind nonexist b",
		"$M --bind a nonexist",
		"touch f; $M -t tmpfs x f",
		"mkdir b; $M -o remount,ro b",
		"mkdir b; $M -t tmpfs -o size=bogus x b",
		"mkdir b; $M --bind --move a b",
		"mkdir b; $M -t tmpfs --bind a b",
		"$M a b c",
		"$M --make-bogus a",
		"mkdir b; $M a b",
		"mkdir b; $M --make-shared --make-private a b",
		"mkdir b; touch f; $M f b",
		"$M -Z a",
		"$M -t",
		"$M a --types",
		"$M -o",
		"$U --bogus a",
		"$U -Z a",
		// One argument that is not a propagation change: fstab (which
		// neither reads), or mount(2) with no source; tags; -t ''.
		"$M -o ro a",
		"mkdir b; $M b",
		"$M --bind a",
		"$M --rbind a",
		"$M --move a",
		"$M -t tmpfs a",
		"$M --make-shared -o ro a",
		"mkdir b; $M -t '' x b",
		"mkdir b; $M UUID=0000-nstool b",
		"mkdir b; $M LABEL=nstool-none b",
		"$M -t tmpfs x nonexist/b",
		// --source and --target alone: fstab's words
		"mkdir b; $M --target b", "$M --source x",
		"mkdir b; $M --source x --target b b -t tmpfs",
	}},
	// umount: peers, lazy, recursive, forced, not mounted.
	{"Umount", states, nil, []string{
		"$U a/sub",
		"$U -l a",
		"$U -R a",
		"$U --recursive -l a",
		"$U -f a/sub",
		"$U a",
		"mkdir b; $U b",
		"$U nonexist",
		"mkdir b; $U -R b",
		"$U -R nonexist",
		"mkdir b; $U a/sub b nonexist",
		"$U",
		"mount -t tmpfs over a; $U -R a",
		"mkdir a/sub/deep; mount -t tmpfs deep a/sub/deep; $U a/sub",
		"mkdir a/sub/deep; mount -t tmpfs deep a/sub/deep; $U -R a/sub",
		"mkdir b; mount --rbind a b; $U -R b",
		"mkdir b; mount --rbind a b; $U -R -l b a",
	}},
	// One path with a --make-* flag or --bind is never looked up in fstab:
	// the kernel gets the request with the source "none" (a new filesystem
	// of -t's type, a bind of the path "none"); a -t pattern names no type,
	// and -o shared alone is not --make-shared.
	{"OneArgumentWithoutFstab", states[3:4], nil, []string{
		"$M --make-shared -t tmpfs a", "$M --make-private -v -o size=1m -t tmpfs a",
		"$M --make-shared -t tmpfs,bogus a", "$M --make-shared -t notmpfs a", "$M --make-shared -o ro a",
		"$M --make-private --bind a", "$M --make-shared -t bogus a", "$M -o shared,ro a", "$M -o shared -t tmpfs a",
		"$M --make-shared -t tmpfs -c a", "$M --make-rshared -t proc a", "$M -t auto --make-unbindable a",
		"$M -o move -m --make-private nonexist", "$M --options-source disable -o size=1m a", "$M --options-source disable ''",
		"mkdir g; $M --target-prefix $PWD/g --options-source disable -o size=1m a", "$M --options-source fstab,disable -m -t tmpfs nb",
		"$M --make-private -o bogus=1 -t tmpfs a", "$M --make-private -t ext4 a",
		"mkdir g; $M -n -M --target-prefix $PWD/g 'sp ace'", "$M -M nonexist", "$M -n -M nonexist", "$M -n -M a", "$M -m -o nosuid,nodev a ''",
		"$M -M --target-prefix / nonexist", "$M -M --target-prefix $PWD/ /nonexist",
		"mkdir b; $M -o move --target b", "mkdir b; $M -o remount --options-source-force a b",
		"$M -o noexec -o remount,ro --mkdir=0700 new", "$M --make-private -o size=1m -w a", "$M --make-private -o size=1m,ro a",
		"$M -o shared,size=1m a",
		"mkdir b; $M --options-source-force -o rbind a b", "mkdir b; $M --options-source-force -R a b",
		"$M -o remount,bind,ro a/sub/../../a", "$M --make-runbindable -o remount,bind,ro sub", "$M -o remount,ro sub",
		"mkdir b; $M --source x --target b -t tmpfs,proc LABEL=x",
	}},
	// What util-linux accepts and, with no fstab, -a or helpers in play,
	// ignores or only checks (-F, -i, -s, -O, --options-mode,
	// --options-source); -L and -U name the source; --target-prefix.
	{"FstabAndHelperOptions", states[3:4], nil, []string{
		"mkdir b; $M -F -t tmpfs x b", "mkdir b; $M --fo -t tmpfs x b", "mkdir b; $M -i -v -t tmpfs x b",
		"mkdir b; $M -s -t tmpfs x b", "mkdir b; $M -O foo -t tmpfs x b", "$M -O x -t tmpfs",
		"mkdir b; $M --options-mode ignore -t tmpfs x b", "mkdir b; $M --options-mode=replace -t tmpfs x b",
		"mkdir b; $M --options-mode append,ignore -t tmpfs x b", "mkdir b; $M --options-mode= -t tmpfs x b",
		"mkdir b; $M --options-source fstab,mtab -t tmpfs x b", "mkdir b; $M --options-source= -t tmpfs x b",
		"mkdir b; $M --options-source bogus -t tmpfs x b", "$M --options-mode bogus",
		"mkdir b; $M --options-source-force -t tmpfs x b", "mkdir b; $M --options-source-force --bind a b",
		"$M --options-source-force --make-shared a", "$M --options-source-force -o remount,ro a",
		"mkdir b; $M -L nstool-none b", "mkdir b; $M -U nstool-none -t tmpfs b", "$M -L foo", "$M -U foo",
		"mkdir b; $M -L foo -U bar b", "mkdir b; $M -L foo --source x b", "$M -L foo LABEL=x", "$M --source x LABEL=y",
		"mkdir b; $M -L foo b c", "$M -o bind -L x nonexist", "mkdir b; $M -M -L x b", "mkdir b; $M -B UUID=nstool-none b",
		// a tag with an empty value is no tag: a path like any other
		"mkdir b; $M -L '' b", "mkdir b; $M -U '' b", "mkdir b; $M LABEL= b", `mkdir b; $M 'LABEL=""' b`, "mkdir b; $M -t tmpfs LABEL= b",
		`mkdir b; $M 'LABEL="q' b`, `mkdir b; $M 'UUID=""x' b`, `mkdir b; $M "LABEL='x'" b`, "mkdir b; $M ID=foo b", "mkdir b; $M label=z b",
		"$M -L foo ID=x",
		"mkdir -p t/b; $M --target-prefix $PWD/t -t tmpfs x b", "mkdir -p t/b; $M --target-prefix $PWD/t/ -v -t tmpfs x /b/",
		"mkdir -p t/b; $M --target-prefix t -t tmpfs x b", "mkdir -p t/a; $M --target-prefix $PWD/t --make-shared a",
		"mkdir b; $M --target-prefix '' -t tmpfs x b",
	}},
	// Options as libmount reads them: the flags a user's mount implies (user,
	// users: nosuid,nodev,noexec; owner, group: nosuid,nodev; later words
	// win), X-mount.mkdir (or x-mount.mkdir, the first named; its mode read
	// as strtol(3) in base 8, only for a missing target), -t auto, -t lists.
	{"OptionWords", states[3:4], nil, []string{
		"mkdir b; $M -o user -t tmpfs x b", "mkdir b; $M -o user,exec -t tmpfs x b", "mkdir b; $M -o exec,user -t tmpfs x b",
		"mkdir b; $M -o users -t tmpfs x b", "mkdir b; $M -o owner,suid -t tmpfs x b", "mkdir b; $M -o group -t tmpfs x b",
		"mkdir b; $M -o nouser,noowner -t tmpfs x b",
		"$M -o x-mount.mkdir -t tmpfs x nb; stat -c '%n %a' nb", "$M -o x-mount.mkdir=0700,X-mount.mkdir=0711 -t tmpfs x nb/c; stat -c '%n %a' nb",
		"$M -o X-mount.mkdir=bogus -t tmpfs x nb", "$M -o size=1m,X-mount.mkdir=8,nosuid -t tmpfs x nb",
		"mkdir b; $M -o X-mount.mkdir=bogus -t tmpfs x b", "$M -o X-mount.mkdir=7,X-mount.mkdir=8 -t tmpfs x nb; stat -c '%n %a' nb",
		"$M -o X-mount.mkdir=8,X-mount.mkdir=7 -t tmpfs x nb", "$M -o 'X-mount.mkdir= 0700' -t tmpfs x nb; stat -c '%n %a' nb",
		"$M -o X-mount.mkdir=0x1ff -t tmpfs x nb", "$M -o X-mount.mkdir=07777 -t tmpfs x nb/c; stat -c '%n %a' nb",
		"$M -m=0700 -t tmpfs x nb; stat -c '%n %a' nb", "$M --mkdir==0700 -t tmpfs x nb; stat -c '%n %a' nb",
		"$M -o X-mount.mkdir= -t tmpfs x nb; stat -c '%n %a' nb",
		"mkdir b; $M -t auto x b", "mkdir b; $M -t bogus,bogus2 x b", "mkdir b; touch f; $M -t ext4 f b", "$M -t ''",
		// an -o list may not start with "=", a quote or a blank
		"mkdir b; $M -o=ro -t tmpfs x b", "mkdir b; $M -o ' ro' -t tmpfs x b", `mkdir b; $M -o '"ro' -t tmpfs x b`,
		"mkdir b; $M -o ro,=x -t tmpfs x b", "$M -o = a", "$M -o =ro --make-shared a",
		// SELinux's words are dropped where SELinux is off
		"mkdir b; $M -t tmpfs -o context=x,size=1m x b", `mkdir b; $M -t tmpfs -o 'fscontext="a,b",seclabel' x b`,
		"$M -o remount,size=2m,seclabel a",
	}},
	// -N's PID as util-linux's parse_pid() reads it (strtoul(3), cut to a
	// pid_t; 0 and -1 are file names), in a second namespace ns2 makes.
	{"NamespaceArgument", states[3:4], nil, []string{
		`ns2 true; $M -N " $P" -t tmpfs inner $W/a/sub`, "ns2 true; $M -N +$P --make-shared $W/a", "ns2 true; $M -N 0$P -t tmpfs inner $W/a/sub",
		"$M -N 0 --make-shared a", "$M -N -1 --make-shared a", "$M -N 1x --make-shared a",
	}},
	// --target alone names the one path of a --make-*, --bind or remount
	// (no fstab needed); -L with a remount is looked up first; -v says
	// "bound on" for a remount with bind; -m makes a one-path target too.
	{"OnePathForms", states[3:4], nil, []string{
		"$M --make-shared --target a", "$M -o remount --target a", "$M -o remount,ro --target a --source x",
		"$M --bind --source a", "$M --make-shared --source a", "$M -o remount -L nstool-none a",
		"$M -o remount --source x", "$M --source '' -o remount", "$M --target '' -o remount",
		"$M -v -o remount,ro --source a", "$M -o remount,ro --source $PWD/a",
		"$M -v -o remount,ro,bind a", "$M -v -o remount,bind,rshared a",
		"$M -m --make-shared nb", "$M -m --bind nonexist nb; ls -d nb", "$M -m nb",
	}},
	// -v prints util-linux's success lines; without arguments the mount table
	// is listed as mount(8) lists it (with -t filtering).
	{"Stdout", states[0:1], succeedsWithOutput, []string{
		"mkdir b; $M -v --bind a b",
		"mkdir b; $M -v --move a b",
		"$M -v --make-private a",
		"mkdir b; $M -v -t tmpfs x b",
		"mkdir b; $M -v --make-shared -t tmpfs x b",
		"$U -v a/sub",
		"$M -t tmpfs",
		"$M -t tmpfs,proc",
		"$M -t notmpfs,proc",
		"$M",
	}},
}

// TestDifferential runs the table, a subtest GROUP/STATE/COMMAND each.
func TestDifferential(t *testing.T) {
	nstest.RequireRoot(t)
	for _, g := range differential {
		t.Run(g.name, func(t *testing.T) {
			for _, st := range g.from {
				for _, cmd := range g.cmds {
					t.Run(st.name+"/"+cmd, func(t *testing.T) {
						o := mountcmdtest.Compare(t, st.setup, cmd)
						if g.check != nil {
							g.check(t, st, cmd, o)
						}
					})
				}
			}
		})
	}
}

// makeFlags is "$M --make-WORD a" for every --make-* word.
func makeFlags() []string {
	var cmds []string
	for _, w := range makeWords {
		cmds = append(cmds, "$M --make-"+w+" a")
	}
	return cmds
}

// exits is a check: the command ends with code.
func exits(code int) func(t *testing.T, st state, cmd string, o mountcmdtest.Outcome) {
	return func(t *testing.T, st state, cmd string, o mountcmdtest.Outcome) {
		if o.Code != code {
			t.Errorf("%s from %s: exit %d, want %d", cmd, st.name, o.Code, code)
		}
	}
}

// failsInOneLine is a check: the command fails, says so in one line (util-linux's
// code 32, say) and leaves the mount table as the setup made it.
func failsInOneLine(t *testing.T, st state, cmd string, o mountcmdtest.Outcome) {
	if o.Code == 0 {
		t.Errorf("%s succeeded", cmd)
	}
	if strings.Count(o.Stderr, "\n") > 2 {
		t.Errorf("%s: more than one line of error: %q", cmd, o.Stderr)
	}
	untouched := mountcmdtest.Run(t, mountcmdtest.UtilLinux, st.setup, "true")
	if o.Table != untouched.Table {
		t.Errorf("%s changed the mount table:\n%s\nwant:\n%s", cmd, o.Table, untouched.Table)
	}
}

// succeedsWithOutput is a check: the command succeeds and prints something.
func succeedsWithOutput(t *testing.T, st state, cmd string, o mountcmdtest.Outcome) {
	if o.Code != 0 || o.Stdout+o.Stderr == "" {
		t.Errorf("%s: exit %d, stdout %q", cmd, o.Code, o.Stdout)
	}
}

// The examples of mount_namespaces(7), with a second mount namespace made
// by unshare(1) (propagation unchanged) and entered with nsenter(1); the
// tables of both namespaces are compared. (The setup's ns2 replaces the
// harness's: $Q is this second namespace, ns2end leaves its table in
// $INNER.)
func TestDifferentialManPageExamples(t *testing.T) {
	nstest.RequireRoot(t)
	setup := `mkdir mntS mntP mntX mntY
mount -t tmpfs S mntS; mount -t tmpfs P mntP; mount -t tmpfs X mntX; mount -t tmpfs Y mntY
mkdir mntS/a mntP/b mntX/a mntX/f mntY/b mntY/c
ns2start() { setpriv --pdeathsig KILL unshare -m --propagation unchanged sh -c 'touch ns2; exec sleep 300' & Q=$!; while [ ! -e ns2 ]; do sleep 0.01; done; rm ns2; }
ns2() { nsenter -t $Q -m --wd="$PWD" "$@"; }
ns2end() { cat /proc/$Q/mountinfo >"$INNER"; kill $Q; }`
	for _, cmd := range []string{
		// "MS_SHARED and MS_PRIVATE example": a mount under the shared
		// /mntS in the second namespace appears in the first; one under
		// the private /mntP does not.
		`$M --make-shared mntS; $M --make-private mntP; ns2start
ns2 $M -t tmpfs s1 mntS/a; ns2 $M -t tmpfs p1 mntP/b; ns2end`,
		// "MS_SLAVE example": /mntY made a slave in the second namespace
		// receives from the first and sends nothing back; /mntX stays a peer.
		`$M --make-shared mntX; $M --make-shared mntY; ns2start; ns2 $M --make-slave mntY
$M -t tmpfs x1 mntX/a; $M -t tmpfs y1 mntY/b; ns2 $M -t tmpfs x2 mntX/f; ns2 $M -t tmpfs y2 mntY/c; ns2end`,
		// "MS_UNBINDABLE example": rbinding a shared tree into itself
		// multiplies mounts; an unbindable copy stops it.
		`$M --make-rshared mntS; mkdir mntS/u1 mntS/u2 mntS/u3; $M --rbind mntS mntS/u1; $M --rbind mntS mntS/u2
$M --make-unbindable mntS/u1; $M --rbind mntS mntS/u3`,
		// Moving a mount under a shared mount propagates it; moving one
		// that resides under a shared mount is refused.
		`$M --make-shared mntS; ns2start; mkdir mntP/m; $M -t tmpfs m mntP/m; $M --move mntP/m mntS/a; $M --move mntS/a mntP/b; ns2end`,
		// Bind of a shared mount joins its peer group: a later mount under
		// either side appears under both, in both namespaces.
		`$M --make-shared mntX; ns2start; mkdir mntX/z; $M --bind mntX mntY/c; $M -t tmpfs z mntY/c/z; ns2 $U mntX/z; ns2end`,
	} {
		t.Run(cmd, func(t *testing.T) {
			o := mountcmdtest.Compare(t, setup, cmd)
			if strings.Contains(cmd, "ns2end") && !strings.Contains(o.Table, "second namespace") {
				t.Fatalf("no table from the second namespace")
			}
			if strings.Contains(cmd, "x1 mntX/a") && (strings.Count(o.Table, "/mntY/b y1 ") != 2 || strings.Count(o.Table, "/mntY/c y2 ") != 1) {
				t.Errorf("the slave example shows no propagation into the second namespace:\n%s", o.Table)
			}
		})
	}
}

func TestRunCaseSanity(t *testing.T) {
	nstest.RequireRoot(t)
	o := mountcmdtest.Run(t, mountcmdtest.UtilLinux, states[0].setup, "$M --make-private a")
	if o.Code != 0 || !strings.Contains(o.Table, "/a tmpfs private") {
		t.Fatalf("the harness does not see util-linux's change: %+v", o)
	}
	if !bytes.Contains([]byte(o.Table), []byte("/peer tmpfs shared:")) {
		t.Fatalf("the peer should still be shared: %s", o.Table)
	}
}
