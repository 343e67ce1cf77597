package findmnt_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
)

// verifyFixture makes what an fstab's checks look at: directories, a
// regular file, empty and zeroed images and, where mkfs.ext2 and mkswap
// are installed, a filesystem image and a swap area. It returns the fstab
// lines, in an order that also exercises the order checks.
func verifyFixture(t *testing.T) (dir string, lines []string) {
	t.Helper()
	dir = t.TempDir()
	for _, d := range []string{"d", "e", "d/sub"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, size := range map[string]int{"file": 3, "empty": 0, "zero.img": 65536} {
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lines = []string{
		"/dev/null / ext4 defaults 0 2",
		"tmpfs D tmpfs defaults,noauto,nosuid,size=10,x-foo,user,nofail 0 0",
		"DIR/zero.img E auto rw 0 0",
		"DIR/empty E ext4 rw,noauto 0 0",
		"DIR/file DIR/file none bind 0 0",
		"D DIR/file none rw 0 0",
		"/nonexistent D xfs rw 0 0",
		"/nonexistent DIR/missing xfs rw,noauto 0 0",
		"LABEL=nstool-no-such-label D ext4 rw 0 0",
		`UUID="0000-nstool" D ext4 noauto 0 0`,
		"FOO=bar D ext4 rw 0 0",
		"server:/x /mnt nfs rw 0 0",
		"//server/share /mnt cifs rw 0 0",
		"DIR/zero.img none swap sw,pri=x,discard=bad 0 0",
		"DIR/zero.img none swap pri=-5,discard=onc 0 0",
		"D/../d DIR/../" + filepath.Base(dir) + "/d btrfs rw 0 0",
		"/dev/nstool-none D/sub foofs rw 0 0",
		"/dev/zero D ext4 rw 0 1",
		"D D none rw,bind 0 0",
		"DIR D/ ext4 rw 0 0",
		"proc /proc proc defaults 0 0",
		"/dev/null DIR/e/../e ext4 defaults",
		// the type is a match_fstype pattern against the kernel's names:
		// "nosuchfs" is any filesystem but suchfs, so supported
		"/dev/null D nosuchfs rw 0 0", "/dev/null D noext4 rw 0 0", "/dev/null D EXT4,nosuchfs rw 0 0",
		"/dev/null D nosuchfs,ext4 rw 0 0", "/dev/null D nonofs rw 0 0", "/dev/null D ext rw 0 0", "/dev/null D no rw 0 0",
		"only two",
	}
	if mkfs, err := exec.LookPath("mkfs.ext2"); err == nil {
		img := filepath.Join(dir, "ext2.img")
		if err := os.WriteFile(img, make([]byte, 4<<20), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(mkfs, "-q", "-F", img).CombinedOutput(); err != nil {
			t.Fatalf("mkfs.ext2: %v\n%s", err, out)
		}
		lines = append(lines, "DIR/ext2.img E ext2 rw 0 2", "DIR/ext2.img E ext4 rw 0 2", "DIR/ext2.img E auto rw,loop 0 2",
			"DIR/ext2.img E foofs rw 0 2")
	} else {
		t.Logf("no mkfs.ext2 (%v): no filesystem image", err)
	}
	if mkswap, err := exec.LookPath("mkswap"); err == nil {
		img := filepath.Join(dir, "swap.img")
		if err := os.WriteFile(img, make([]byte, 1<<20), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(mkswap, img).CombinedOutput(); err != nil {
			t.Fatalf("mkswap: %v\n%s", err, out)
		}
		lines = append(lines, "DIR/swap.img none swap sw 0 0", "DIR/swap.img E ext4 rw 0 0")
	} else {
		t.Logf("no mkswap (%v): no swap area", err)
	}
	r := strings.NewReplacer("DIR", dir, "D/", dir+"/d/", "D ", dir+"/d ", "E ", dir+"/e ")
	for i, l := range lines {
		lines[i] = r.Replace(l)
	}
	return dir, lines
}

// TestVerifyAsUtilLinux runs findmnt --verify of util-linux and nstool on
// the same fstab: each message, the summary on stderr, the exit status.
func TestVerifyAsUtilLinux(t *testing.T) {
	tools := nsexectest.Tools(t, "findmnt")
	dir, lines := verifyFixture(t)
	all := filepath.Join(dir, "fstab")
	if err := os.WriteFile(all, []byte("# a comment\n\n"+strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	clean := filepath.Join(dir, "fstab-clean")
	if err := os.WriteFile(clean, []byte("proc /proc proc defaults 0 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-x"}, {"--verify", "--verbose"}, {"-x", "-t", "ext4"}, {"-x", "-f", "--verbose"}, {"-x", "-C"},
		{"-x", "-O", "noauto"}, {"-x", dir + "/d"}, {"-x", "-S", "/dev/zero"}, {"-x", "--real"}, {"-x", "-i", "-t", "swap"},
		{"-x", "-F", clean}, {"-x", "-J"}, {"-x", "-l"},
	} {
		a := append(args, "-F", all)
		if len(args) > 2 && args[1] == "-F" {
			a = args
		}
		r := nsexectest.Compare(t, "findmnt", tools, privateBlkid(t), a...)
		if r.Stdout == "" && r.Stderr == "" {
			t.Errorf("%q printed nothing", a)
		}
	}
	// without -F: /etc/fstab, whatever it holds on this machine
	nsexectest.Compare(t, "findmnt", tools, privateBlkid(t), "-x", "--verbose")
}

// util-linux HEAD (compat=head) warns where 2.38.1 errs about a type that
// is not the one on the device, and checks the kernel's support only for
// a type it had to find.
func TestVerifyHead(t *testing.T) {
	if _, err := exec.LookPath("mkfs.ext2"); err != nil {
		t.Skipf("no mkfs.ext2 to make an image: %v", err)
	}
	dir, lines := verifyFixture(t)
	var ext []string
	for _, l := range lines {
		if strings.HasPrefix(l, dir+"/ext2.img ") {
			ext = append(ext, l)
		}
	}
	fstab := writeTable(t, strings.Join(ext, "\n")+"\n")
	old := runNstool(t, "C", []string{"-x", "-F", fstab})
	t.Setenv("NSTOOL_FINDMNT_COMPAT", "head")
	head := runNstool(t, "C", []string{"-x", "-F", fstab})
	for _, c := range []struct {
		r    result
		want []string
	}{
		{old, []string{"   [E] ext4 does not match with on-disk ext2\n", "\n0 parse errors, 2 errors, 11 warnings\n"}},
		{head, []string{"   [W] ext4 does not match with on-disk ext2\n", "\n0 parse errors, 0 errors, 13 warnings\n"}},
	} {
		for _, w := range c.want {
			if !strings.Contains(c.r.stdout+c.r.stderr, w) {
				t.Errorf("no %q in\n%v", w, c.r)
			}
		}
	}
	if old.rc != 1 || head.rc != 0 {
		t.Errorf("exit %d (2.38.1) and %d (HEAD), want 1 and 0", old.rc, head.rc)
	}
	// util-linux HEAD's own case
	vt := writeTable(t, "/dev/null /           ext4    defaults        0       2\n")
	r := runNstool(t, "C", []string{"--verify", "--verbose", "--tab-file", vt})
	if exp, ok := headExpected(t, "outputs-verify"); ok && r.stdout != exp {
		t.Errorf("--verify --verbose:\n%s\nutil-linux HEAD expects\n%s", r.stdout, exp)
	}
	if exp, ok := headExpected(t, "outputs-verify.err"); ok && r.stderr != exp {
		t.Errorf("--verify --verbose stderr %q, util-linux HEAD expects %q", r.stderr, exp)
	}
	if r.rc != 0 || !strings.Contains(r.stdout, "[W] recommended root FS passno is 1 (current is 2)") {
		t.Errorf("--verify --verbose: %v", r)
	}
}
