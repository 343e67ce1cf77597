package early

import (
	"bufio"
	"fmt"
	"go/build/constraint"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// gateOpen: this toolchain builds the entry point (the Makefile's test).
func gateOpen(t *testing.T, tags ...string) bool {
	t.Helper()
	args := []string{"list"}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	out, err := exec.Command("go", append(args, "-f", "{{.SFiles}}", ".")...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	return strings.Contains(string(out), "entry_")
}

// toolchainMinor is go.mod's toolchain line ("toolchain go1.26.8") as 26.
func toolchainMinor(t *testing.T) (string, int) {
	t.Helper()
	f, err := os.Open("../../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "toolchain "); ok {
			m := regexp.MustCompile(`^go1\.(\d+)(\.\d+)?$`).FindStringSubmatch(v)
			if m == nil {
				t.Fatalf("go.mod: toolchain %q is no release", v)
			}
			n, _ := strconv.Atoi(m[1])
			return v, n
		}
	}
	t.Fatal("go.mod has no toolchain line: it names the Go release the early start was verified on")
	return "", 0
}

// The entry point exists for go.mod's toolchain release only: every
// entry_* file carries one build constraint, true for that release's
// minor version and false for the one before and the one after; and a
// build as the next release would make it (-tags go1.N+1) has no entry
// and still runs unshare.
func TestGate(t *testing.T) {
	version, minor := toolchainMinor(t)
	files, _ := filepath.Glob("entry_*")
	if len(files) < 2 {
		t.Fatalf("entry files: %v (want the .go and the .s)", files)
	}
	var expr constraint.Expr
	for _, name := range files {
		e := buildConstraint(t, name)
		if expr != nil && e.String() != expr.String() {
			t.Errorf("%s: constraint %q, %s has %q", name, e, files[0], expr)
		}
		expr = e
		if want := fmt.Sprintf("go1%d", minor); !strings.Contains(name, want) {
			t.Errorf("%s: its name should say the release it is gated to (%s)", name, want)
		}
	}
	for _, c := range []struct {
		minor int
		want  bool
	}{{minor - 1, false}, {minor, true}, {minor + 1, false}} {
		has := func(tag string) bool {
			if tag == "linux" || tag == "amd64" {
				return true
			}
			n, err := strconv.Atoi(strings.TrimPrefix(tag, "go1."))
			return strings.HasPrefix(tag, "go1.") && err == nil && n <= c.minor
		}
		if got := expr.Eval(has); got != c.want {
			t.Errorf("go.mod says %s; the gate %q gives go1.%d: %v, want %v", version, expr, c.minor, got, c.want)
		}
	}
	next := fmt.Sprintf("go1.%d", minor+1)
	if gateOpen(t, next) {
		t.Fatalf("a build as %s has the entry point", next)
	}
	if !testing.Short() {
		bin := filepath.Join(t.TempDir(), "nstool")
		build := exec.Command("go", "build", "-buildvcs=false", "-tags", next, "-o", bin, "github.com/nstool/nstool/cmd/nstool")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("build as %s: %v\n%s", next, err, out)
		}
		args := []string{"unshare", "--help"}
		if os.Geteuid() == 0 {
			args = []string{"unshare", "--mount", "true"}
		}
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Errorf("built as %s: nstool %s: %v\n%s", next, strings.Join(args, " "), err, out)
		}
	}
}

// buildConstraint is the //go:build line of a file.
func buildConstraint(t *testing.T, name string) constraint.Expr {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if constraint.IsGoBuild(line) {
			e, err := constraint.Parse(line)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return e
		}
	}
	t.Fatalf("%s has no //go:build line: it must be gated", name)
	return nil
}
