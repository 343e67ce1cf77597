package nstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// Binary returns the path of an nstool binary for tests that must run it as
// a separate process (re-exec stages, signals, TTYs): $NSTOOL_BIN when set
// (`make test` sets it to the binary it just built), else one built once per
// test process from this module's source.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("NSTOOL_BIN"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	buildOnce.Do(func() {
		var gomod []byte
		gomod, buildErr = exec.Command("go", "env", "GOMOD").Output()
		if buildErr != nil {
			return
		}
		dir, err := os.MkdirTemp("", "nstool-test-bin-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "nstool")
		// As the Makefile builds it: with nstool's own entry point where
		// cmd/nstool/internal/early has it (linux/amd64 and the Go release
		// it was verified on: the package's build constraint is the gate).
		root := filepath.Dir(strings.TrimSpace(string(gomod)))
		args := []string{"build", "-o", buildPath}
		list := exec.Command("go", "list", "-f", "{{.SFiles}}", "./cmd/nstool/internal/early")
		list.Dir = root
		if out, err := list.Output(); err == nil && strings.Contains(string(out), "entry_") {
			args = append(args, "-ldflags", "-E github.com/nstool/nstool/cmd/nstool/internal/early.entry")
		}
		cmd := exec.Command("go", append(args, "./cmd/nstool")...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = &buildFailure{err: err, out: string(out)}
		}
	})
	if buildErr != nil {
		t.Fatalf("building nstool: %v", buildErr)
	}
	return buildPath
}

type buildFailure struct {
	err error
	out string
}

func (b *buildFailure) Error() string { return b.err.Error() + "\n" + b.out }
