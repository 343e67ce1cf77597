package early

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestVersionBeforeRuntime: `nstool --version` and -v alone are answered
// before the runtime with the bytes and the exit status of the ordinary
// start (cobra's line), also when stdout cannot take them; and the answer
// comes from the early start: under strace, no mmap(2), which Go's runtime
// makes first thing.
func TestVersionBeforeRuntime(t *testing.T) {
	bin := earlyBinary(t)
	run := func(env, arg, stdout string) (string, int) {
		cmd := exec.Command(bin, arg)
		cmd.Env = append(os.Environ(), env)
		if stdout != "" {
			f, err := os.OpenFile(stdout, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cmd.Stdout = f
		}
		out, _ := cmd.Output()
		return string(out), cmd.ProcessState.ExitCode()
	}
	for _, arg := range []string{"--version", "-v"} {
		for _, stdout := range []string{"", "/dev/full"} {
			early, code := run("NSTOOL_EARLY=", arg, stdout)
			ordinary, ordCode := run("NSTOOL_EARLY=off", arg, stdout)
			if early != ordinary || code != ordCode || (stdout == "" && !strings.HasPrefix(early, "nstool ")) {
				t.Errorf("%s > %q: early %q exit %d, ordinary %q exit %d", arg, stdout, early, code, ordinary, ordCode)
			}
		}
	}
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace is not installed")
	}
	out, err := exec.Command("strace", "-f", "-e", "trace=mmap,write", bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("strace: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "mmap(") {
		t.Errorf("--version ran Go's runtime (mmap):\n%s", out)
	}
}
