package rootfs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// bigTmpfs is a tmpfs large enough for a root with nstool in it (nstest's
// is 16 MiB), unmounted when the test ends.
func bigTmpfs(t testing.TB) string {
	t.Helper()
	return nstest.TmpfsOfSize(t, "512m")
}

func build(t *testing.T, dir string) *Manifest {
	t.Helper()
	m, err := Build(dir, Options{Nstool: nstooltest.Binary(t), Hostname: "rootfs-test"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The root runs its programs: util-linux unshare chroots into it (a new
// mount namespace, proc mounted inside), and the shell, its tools and
// their libraries are all there; the host's files are not.
func TestBuiltRootRunsUnderUnshareRoot(t *testing.T) {
	dir := bigTmpfs(t)
	m := build(t, dir)
	script := `ls /; cat /etc/hostname; ls -l /usr/bin/sh; bash -c 'echo bash ${BASH_VERSINFO[0]}'
mkdir /tmp/x && echo mkdir ok; sleep 0; findmnt -n -o TARGET /proc; ps -o comm= -p $$; /bin/nstool --version
ls /usr/share 2>&1; exit 0`
	cmd := exec.Command("unshare", "-m", "--propagation", "private", "--mount-proc", "--root", dir, "/bin/sh", "-c", script)
	cmd.Env = []string{"PATH=/bin:/usr/bin:/sbin:/usr/sbin"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("unshare --root %s: %v\n%s\nmanifest:\n%s", dir, err, out, m)
	}
	got := string(out)
	for _, want := range []string{"bin\n", "etc\n", "proc\n", "tmp\n", "rootfs-test\n", "-> dash\n", "mkdir ok\n", "/proc\n", "sh\n", "nstool ", "bash 5\n", "No such file or directory"} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in the output:\n%s", want, got)
		}
	}
}

// The manifest says what is in the root: every entry is there, each
// linked or copied file came from the host file it names, and the root
// holds nothing else.
func TestManifestIsTheRoot(t *testing.T) {
	dir := bigTmpfs(t)
	m := build(t, dir)
	listed := map[string]bool{}
	for _, e := range m.Entries {
		listed[e.Path] = true
		fi, err := os.Lstat(filepath.Join(dir, e.Path))
		if err != nil {
			t.Errorf("%s %s: %v", e.How, e.Path, err)
			continue
		}
		switch e.How {
		case Copied, Linked:
			host, err := os.Stat(e.From)
			if err != nil || host.Size() != fi.Size() || !fi.Mode().IsRegular() {
				t.Errorf("%s %s ← %s: not the host's file (%v)", e.How, e.Path, e.From, err)
			}
		case Symlinked:
			if target, _ := os.Readlink(filepath.Join(dir, e.Path)); target != e.From {
				t.Errorf("symlink %s → %q, manifest says %q", e.Path, target, e.From)
			}
		}
		if e.Why == "" {
			t.Errorf("%s: no reason", e.Path)
		}
	}
	// Every file and symlink in the root is listed (directories on the way need not be).
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		if rel := strings.TrimPrefix(p, dir); !listed[rel] {
			t.Errorf("%s is in the root but not in the manifest", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/bin", "/etc/hostname", "/usr/bin/dash", "/usr/bin/nstool"} {
		if !listed[want] && fileExists(want) {
			t.Errorf("%s not in the manifest:\n%s", want, m)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "tmp")); err != nil || fi.Mode().Perm() != 0o777 || fi.Mode()&os.ModeSticky == 0 {
		t.Errorf("/tmp: %v %v, want drwxrwxrwt", fi.Mode(), err)
	}
	t.Logf("%d entries, %d bytes:\n%s", len(m.Entries), m.Bytes, m)
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// On the host's own filesystem the files are hard links, not copies.
func TestSameFilesystemLinks(t *testing.T) {
	nstest.RequireRoot(t)
	dir := t.TempDir()
	var st, host syscall.Stat_t
	if syscall.Stat(dir, &st) != nil || syscall.Stat("/usr/bin", &host) != nil || st.Dev != host.Dev {
		t.Skip("the temporary directory is not on /usr's filesystem")
	}
	m, err := Build(dir, Options{Programs: []string{"sh"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range m.Entries {
		if e.How == Copied {
			t.Errorf("%s was copied from %s: want a link", e.Path, e.From)
		}
	}
}

// Build refuses a root without a shell, and lists optional programs the
// host lacks.
func TestMissingPrograms(t *testing.T) {
	dir := bigTmpfs(t)
	if _, err := Build(dir+"/a", Options{Programs: []string{"no-such-program"}, Required: []string{"no-such-program"}}); err == nil {
		t.Error("a required program that is missing: no error")
	}
	if err := os.Mkdir(dir+"/b", 0o755); err != nil {
		t.Fatal(err)
	}
	m, err := Build(dir+"/b", Options{Programs: []string{"sh", "no-such-program"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Missing) != 1 || m.Missing[0] != "no-such-program" {
		t.Errorf("Missing = %q", m.Missing)
	}
}
