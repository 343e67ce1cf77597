package nstest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Cgroup makes the cgroup v2 directory rel (e.g.
// "system.slice/docker-ID.scope", named as a container runtime names its
// own) under nstool-test-RUN-PID of the v2 hierarchy, and removes it and
// its parents in t.Cleanup, once the processes put in it have gone (run it
// before the Cleanup that stops them). RUN is scripts/test.sh's run (its
// NSTOOL_TEST_RUN mark, or "go" for a plain go test): a run checks for and
// removes only what its own tests left, not what another run on the same
// machine is using. It skips the test where no v2 hierarchy is mounted.
func Cgroup(t testing.TB, rel string) string {
	t.Helper()
	RequireRoot(t)
	root := ""
	for _, dir := range []string{"/sys/fs/cgroup/unified", "/sys/fs/cgroup"} {
		if _, err := os.Stat(filepath.Join(dir, "cgroup.procs")); err == nil {
			root = dir
			break
		}
	}
	if root == "" {
		t.Skip("no cgroup v2 hierarchy is mounted")
	}
	top := filepath.Join(root, fmt.Sprintf("nstool-test-%s-%d", runName(), os.Getpid()))
	dir := filepath.Join(top, rel)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for d := dir; strings.HasPrefix(d, top); d = filepath.Dir(d) {
			// A killed process leaves its cgroup once the kernel has
			// reaped it: EBUSY until then.
			for try := 0; try < 500; try++ {
				err := os.Remove(d)
				if err == nil || os.IsNotExist(err) || !strings.Contains(err.Error(), "busy") {
					break
				}
				time.Sleep(2 * time.Millisecond)
			}
		}
	})
	return dir
}

// runName is the NSTOOL_TEST_RUN mark as a file name (PID.RANDOM becomes
// PID_RANDOM), "go" outside scripts/test.sh.
func runName() string {
	run := os.Getenv("NSTOOL_TEST_RUN")
	if run == "" {
		return "go"
	}
	return strings.NewReplacer(".", "_", "/", "_").Replace(run)
}
