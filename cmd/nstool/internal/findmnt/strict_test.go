package findmnt_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
)

// -F reads a table as strictly as libmount: a mountinfo line without its
// superblock options and an fstab line without source, target or type are
// parse errors ("parse error at line N -- ignored"), and a table left with
// nothing to show exits 1.
func TestTabFileStrictAsUtilLinux(t *testing.T) {
	tools := nsexectest.Tools(t, "findmnt")
	for name, text := range map[string]string{
		"mountinfo, one line without superblock options": "20 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n21 20 0:20 / /proc rw,nosuid - proc proc\n",
		"mountinfo, no line with them":                   "20 1 254:0 / / rw,relatime - ext4 /dev/vda\n",
		"mountinfo, a blank after the source":            "20 1 254:0 / / rw - ext4 /dev/vda \n21 20 0:20 / /proc rw - proc proc rw\n",
		"fstab, one field":                               "tmpfs\n",
		"fstab, two fields":                              "tmpfs /tmp\n",
		"fstab, three fields":                            "tmpfs /tmp tmpfs\n",
		"fstab, good and short lines":                    "/dev/sda1 / ext4 defaults 0 1\ntmpfs /tmp\n# comment\nproc /proc proc defaults\n",
		"fstab, NUL bytes":                               "a /x tmpfs rw 0 0\n\x00\n# c\x00x\nb /y tmpfs rw 0 0\nc /z tm\x00pfs rw 0 0\n",
		// no tags to libblkid: no value, no closing quote
		"fstab, tags without values": "LABEL= /x tmpfs rw 0 0\nLABEL=\"\" /y ext4 rw 0 0\nLABEL=\"ab /z ext4 rw 0 0\nFOO= /w ext4 rw 0 0\nUUID= /u ext2 rw 0 0\n",
	} {
		t.Run(name, func(t *testing.T) {
			table := writeTable(t, text)
			// --poll's columns are refused after the table is read (its
			// parse errors come first), and not at all by -x
			for _, args := range [][]string{{}, {"-l"}, {"-s"}, {"-J"}, {"-x"}, {"-x", "--verbose"}, {"-o", "TARGET,OLD-TARGET"}, {"-s", "-o", "ACTION"}, {"-x", "-o", "ACTION"}} {
				nsexectest.Compare(t, "findmnt", tools, privateBlkid(t), append(args, "-F", table)...)
			}
		})
	}
}

// A loop in the parent IDs (which only a hand-made file can hold) makes
// util-linux 2.38.1 recurse until it crashes; nstool shows every mount
// once, the loop's first mount in the file a root of its own.
func TestParentLoop(t *testing.T) {
	table := writeTable(t, "20 1 254:0 / / rw - ext4 /dev/vda rw\n21 22 0:20 / /a rw - proc proc rw\n22 21 0:20 / /b rw - proc proc rw\n")
	for args, want := range map[string]string{
		"":   "TARGET SOURCE   FSTYPE OPTIONS\n/      /dev/vda ext4   rw\n/a     proc     proc   rw\n`-/b   proc     proc   rw\n",
		"-l": "TARGET SOURCE   FSTYPE OPTIONS\n/      /dev/vda ext4   rw\n/a     proc     proc   rw\n/b     proc     proc   rw\n",
	} {
		r := runNstool(t, "C", append(strings.Fields(args), "-F", table))
		if r.rc != 0 || r.stdout != want || r.stderr != "" {
			t.Errorf("findmnt %s on a parent loop: %v\nwant\n%s", args, r, want)
		}
	}
}

// -s reads a table as libmount's mnt_table_parse_fstab does: a directory
// is read as its *.fstab files (not hidden ones, not directories, links
// followed) in strverscmp(3) order, their parse errors named by their
// bare names; a device is refused unread (with util-linux's odd errno).
func TestFstabDirAsUtilLinux(t *testing.T) {
	tools := nsexectest.Tools(t, "findmnt")
	dir := t.TempDir()
	// names whose order tells versionsort from sort: numbers, leading
	// zeros (fractions), a letter after digits
	names := []string{"a9", "a10", "a010", "a09", "a0", "a00", "a000", "a1b", "a1", "a01", "b", "b2x", "b10x", "0", "00", "9", "10"}
	for i, n := range names {
		line := fmt.Sprintf("tmpfs /t%d-%s tmpfs rw 0 0\n", i, n)
		if n == "b" {
			line += "bad line\n"
		}
		if err := os.WriteFile(filepath.Join(dir, n+".fstab"), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range map[string]string{".hidden.fstab": "tmpfs /hidden tmpfs rw 0 0\n", "x.fstab.bak": "tmpfs /bak tmpfs rw 0 0\n", ".fstab": "tmpfs /dot tmpfs rw 0 0\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.fstab"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("b.fstab", filepath.Join(dir, "link.fstab")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nonexistent", filepath.Join(dir, "dangling.fstab")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-s", "-F", dir}, {"-s", "-F", dir, "-J", "-o", "TARGET"}, {"-s", "-F", dir, "-F", filepath.Join(dir, "b.fstab")},
		{"-m", "-F", dir}, {"-F", dir}, {"-x", "-F", dir},
		{"-s", "-F", filepath.Join(dir, "sub.fstab")}, {"-s", "-F", filepath.Join(dir, "link.fstab")},
		{"-s", "-F", "/dev/null"}, {"-s", "-F", "/dev/zero"}, {"-m", "-F", "/dev/null"}, {"-x", "-F", "/dev/null"},
	} {
		nsexectest.Compare(t, "findmnt", tools, privateBlkid(t), args...)
	}
}

// Several tables are read in the order -F and -N give them, and with -m
// each file's format is guessed anew (libmount's mnt_table_parse_mtab),
// where -k reads every file in the first one's format.
func TestTableOrderAsUtilLinux(t *testing.T) {
	tools := nsexectest.Tools(t, "findmnt")
	mountinfo := writeTable(t, "20 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n21 20 0:20 / /proc rw - proc proc rw\nbad line\n")
	mtab := writeTable(t, "/dev/vda / ext4 rw 0 0\ntmpfs /tmp tmpfs rw,nosuid 0 0\n")
	for _, args := range [][]string{
		{"-m", "-F", mtab, "-F", mountinfo}, {"-m", "-F", mountinfo, "-F", mtab, "-l"},
		{"-k", "-F", mtab, "-F", mountinfo, "-l"}, {"-F", mountinfo, "-F", mtab, "-l"},
		{"-N", "1", "-F", mtab, "-o", "TARGET", "-T", "/"}, {"-F", mtab, "-N", "1", "-o", "TARGET", "-T", "/"},
		{"-s", "-F", mtab, "-F", mountinfo},
	} {
		nsexectest.Compare(t, "findmnt", tools, privateBlkid(t), args...)
	}
}

// An fstab entry's options are split as libmount's option maps split
// them: the Linux map (propagation words included, "move" not, none with
// a value: "rw=1" belongs to the filesystem), the userspace map (user[=],
// comment=, offset=, verity.*=, x-* and X-*; noauto=1 belongs to the
// filesystem) and "defaults", which is no option at all.
func TestFstabOptionsAsUtilLinux(t *testing.T) {
	tools := nsexectest.Tools(t, "findmnt")
	table := writeTable(t, "a /x tmpfs rw=1,ro=,move,shared,rprivate,nosub,noauto=1,user=me,users=2,comment,"+
		"offset,x-a=1,X-b,defaults,defaults=1,nofail=0,verity.roothash=ab,helper,mode=1,silent 0 0\n"+
		"b /y tmpfs bind,shared,_netdev=1 0 0\n"+
		"c /z tmpfs user,dirsync,rbind,ro 0 0\nd /w tmpfs owner,remount,users=1 0 0\ne /v tmpfs\n")
	for _, args := range [][]string{
		{"-s", "-o", "TARGET,OPTIONS,VFS-OPTIONS,FS-OPTIONS", "-J"}, {"-x", "--verbose"}, {"-s", "-O", "rw=1"}, {"-s", "-O", "move"},
		// --vfs-all: the flags the words set, each map word whose bits any has
		{"-s", "--vfs-all", "-o", "TARGET,VFS-OPTIONS"},
	} {
		nsexectest.Compare(t, "findmnt", tools, privateBlkid(t), append(args, "-F", table)...)
	}
}

// Without -F, -s and -x read $LIBMOUNT_FSTAB (libmount's
// mnt_get_fstab_path) when it is set, else /etc/fstab; a default table
// that cannot be read is "can't read (null)", as findmnt names none.
//
// libmount 2.38.1 reads its variables only for root (safe_getenv): as
// anyone else, /etc/fstab stands in for them, the table readable or not.
// Root runs the cases as nobody too.
func TestFstabEnvAsUtilLinux(t *testing.T) {
	tools := nsexectest.Tools(t, "findmnt")
	table := writeTable(t, "tmpfs /nstool-env tmpfs rw 0 0\nbad\n")
	users := []*syscall.Credential{nil}
	if os.Geteuid() == 0 {
		// nobody may read the table (the test's folders are root's alone).
		for dir := filepath.Dir(table); dir != os.TempDir(); dir = filepath.Dir(dir) {
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		users = append(users, &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}})
	}
	for _, cred := range users {
		for _, env := range []string{table, "", "/nonexistent", "/dev/null", filepath.Dir(table)} {
			o := privateBlkid(t)
			o.Cred = cred
			o.Env = append(o.Env, "LIBMOUNT_FSTAB="+env)
			for _, args := range [][]string{{"-s"}, {"-x", "--verbose"}, {"-s", "/nstool-env"}, {"-s", "-F", table, "-l"}} {
				nsexectest.Compare(t, "findmnt", tools, o, args...)
			}
		}
	}
}

// A full disk is "write error: No space left on device", exit 1, as
// util-linux's close_stdout says it (for output its stdio buffer holds).
func TestWriteErrorAsUtilLinux(t *testing.T) {
	tools := nsexectest.Tools(t, "findmnt")
	table := writeTable(t, "20 1 8:1 / / rw - ext4 /dev/sda1 rw\n")
	for _, args := range [][]string{{"-F", table}, {"-F", table, "-o", "TARGET", "-T", "/"}, {"-V"}} {
		var got [2]string
		for i, tool := range tools {
			full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			if err != nil {
				t.Skipf("no /dev/full: %v", err)
			}
			argv := append(append([]string{}, tool.Argv...), args...)
			cmd := exec.Command(argv[0], argv[1:]...)
			var stderr strings.Builder
			cmd.Stdout, cmd.Stderr = full, &stderr
			err = cmd.Run()
			full.Close()
			got[i] = fmt.Sprintf("%s rc=%v", nsexectest.NormStderr("findmnt", stderr.String()), err)
		}
		if got[0] != got[1] {
			t.Errorf("findmnt %q > /dev/full:\nutil-linux %s\nnstool     %s", args, got[0], got[1])
		}
	}
}

// -U drops an entry when a later one is on the same mount point as
// findmnt compares them: the same path, or the same once made canonical
// (an fstab target through a symlink); with -C only the same path.
func TestUniqAsUtilLinux(t *testing.T) {
	tools := nsexectest.Tools(t, "findmnt")
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	table := writeTable(t, fmt.Sprintf("a %[1]s/real tmpfs rw 0 0\nb %[1]s/link tmpfs rw 0 0\nc %[1]s//real/ tmpfs rw 0 0\nd %[1]s/real tmpfs rw 0 0\ne %[1]s/link tmpfs rw 0 0\n", dir))
	for _, args := range [][]string{{"-s", "-U"}, {"-s", "-U", "-C"}, {"-s", "-U", "-J"}, {"-U"}, {"-U", "-C", "-l"}} {
		nsexectest.Compare(t, "findmnt", tools, privateBlkid(t), append(args, "-F", table)...)
	}
}
