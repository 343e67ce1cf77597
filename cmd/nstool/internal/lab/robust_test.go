package lab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nstool/nstool/nsutil/nstest"
)

// A progress file that is no file of the engine's (a symlink to /dev/zero,
// a huge file) is read as no progress, at once, with bounded memory.
func TestProgressFileIsReadWithALimit(t *testing.T) {
	for name, create := range map[string]func(path string) error{
		"/dev/zero": func(path string) error { return os.Symlink("/dev/zero", path) },
		"too big":   func(path string) error { return os.WriteFile(path, make([]byte, 2<<20), 0o644) },
	} {
		state := t.TempDir()
		if err := os.MkdirAll(filepath.Join(state, "nstool"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := create(filepath.Join(state, "nstool", "progress.json")); err != nil {
			t.Fatal(err)
		}
		out, errOut, code := nstool(t, "", []string{"XDG_STATE_HOME=" + state}, "lab", "list")
		if code != 0 || !strings.Contains(out, "01-isolation") || strings.Contains(out, "✓") {
			t.Errorf("progress file %s: lab list exit %d:\n%s%s", name, code, out, errOut)
		}
	}
}

// A $NSTOOL_LABS_DIR that cannot be read is named in one line on stderr
// that says why (the folder named once, not as "open ."), and the
// built-in labs still list.
func TestBadLabsDirStillListsTheBuiltIns(t *testing.T) {
	for dir, why := range map[string]string{
		"/nonexistent/labs": "/nonexistent/labs: no such file or directory;",
		"/etc/passwd":       "/etc/passwd: not a directory;",
	} {
		out, errOut, code := nstool(t, "", append(stateEnv(t), "NSTOOL_LABS_DIR="+dir), "lab", "list")
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if code != 0 || !strings.Contains(out, "01-isolation") || len(lines) != 1 || !strings.Contains(lines[0], why) {
			t.Errorf("NSTOOL_LABS_DIR=%s: exit %d, want a line with %q\nstdout:\n%s\nstderr:\n%s", dir, code, why, out, errOut)
		}
	}
}

// A lab whose setup or reference solution never returns stops with one
// clear line ($NSTOOL_LAB_TIMEOUT, here 1 s), and the sandbox goes with
// everything it started: start and verify do not hang.
func TestHangingLabStops(t *testing.T) {
	nstest.RequireRoot(t)
	for name, body := range map[string]string{
		"setup":    "-- setup --\nsleep 1000 &\nsleep 1000\n-- step Nothing --\nNothing.\n-- check --\nhost /lab is mounted tmpfs\n-- hint --\nWait.\n-- solution --\ntrue\n",
		"solution": "-- step Forever --\nWait.\n-- check --\nhost /lab/never is mounted tmpfs\n-- hint --\nWait.\n-- solution --\nsleep 1000\n",
	} {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "93-hangs"), 0o755); err != nil {
			t.Fatal(err)
		}
		text := "title: Engine test: a lab that hangs\nminutes: 1\n\nIt hangs.\n" + body
		if err := os.WriteFile(filepath.Join(dir, "93-hangs", "lab.txt"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "93-hangs", "README.md"), []byte("# A lab that hangs\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		env := append(stateEnv(t), "NSTOOL_LABS_DIR="+dir, "NSTOOL_LAB_TIMEOUT=1")
		out, errOut, code := nstool(t, "", env, "lab", "verify", "93-hangs")
		if code == 0 || !strings.Contains(out+errOut, "did not finish in 1s") {
			t.Errorf("a hanging %s: exit %d\n%s%s", name, code, out, errOut)
		}
	}
}
