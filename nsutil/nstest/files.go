package nstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// MkdirAll makes each directory, with its parents (os.MkdirAll, mode
// 0755), and fails the test when one cannot be made.
func MkdirAll(t testing.TB, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// EmptyFiles writes each file with nothing in it (mode 0644: a file to
// bind a namespace file onto, say) and fails the test when one cannot be
// written.
func EmptyFiles(t testing.TB, files ...string) {
	t.Helper()
	for _, file := range files {
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TmpfsDir is the directory name, made on a fresh Tmpfs: a directory of
// the test's own that is no mount point. It needs root (RequireRoot).
func TmpfsDir(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(Tmpfs(t), name)
	MkdirAll(t, dir)
	return dir
}

// RequireCommands skips the test unless each command is installed (found
// in $PATH), saying which is not: "strace is not installed".
func RequireCommands(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			t.Skipf("%s is not installed", name)
		}
	}
}
