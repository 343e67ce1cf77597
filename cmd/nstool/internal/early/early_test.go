package early

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
)

var (
	textSym = regexp.MustCompile(`^TEXT (\S+)\(SB\)`)
	// A call, or a jump to another function (a tail call).
	callInsn = regexp.MustCompile(`\t(CALL|JMP) (.*)$`)
	callSym  = regexp.MustCompile(`^(\S+)\(SB\)$`)
	// What start may reach in Go's runtime: memory compares and copies,
	// the panics of a bounds check (a bug's way out), and the calls that
	// a prologue or a pointer store make only when the stack guard or
	// the write barrier say so, which before the runtime they never do.
	runtimeOK = regexp.MustCompile(`^(runtime\.(memequal|memmove|panic\w+|morestack_noctxt\.abi0|gcWriteBarrier\d|wbZero|wbMove)|internal/runtime/syscall/linux\.Syscall6)$`)
	// The packages whose code is checked: nstool's, and the raw system call.
	checked = `^(github\.com/nstool/nstool/|syscall\.RawSyscall|internal/runtime/syscall)`
)

// start runs before the Go runtime exists: no heap, no scheduler, no
// initialised package. Walk every function it can reach in the linked
// binary (calls and tail jumps) and fail on a call that needs the runtime
// (an allocation, a goroutine, a map, an interface or closure call we
// cannot follow). What this cannot see: a read of a package variable that
// an initialiser sets (it would read zero); the code reads only constants,
// statically initialised tables and its own static memory.
func TestStartNeedsNoRuntime(t *testing.T) {
	if runtime.GOARCH != "amd64" || !gateOpen(t) {
		t.Skip("the early start exists on linux/amd64 with go.mod's toolchain release only (TestGate)")
	}
	bin := filepath.Join(t.TempDir(), "nstool")
	build := exec.Command("go", "build", "-ldflags", "-E "+EntrySymbol, "-o", bin, "github.com/nstool/nstool/cmd/nstool")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dump := exec.Command("go", "tool", "objdump", "-s", checked, bin)
	out, err := dump.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := dump.Start(); err != nil {
		t.Fatal(err)
	}
	calls := map[string][]string{}
	cur := ""
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := textSym.FindStringSubmatch(line); m != nil {
			cur = m[1]
			calls[cur] = nil
			continue
		}
		if m := callInsn.FindStringSubmatch(line); m != nil && cur != "" {
			target := strings.TrimSpace(m[2])
			if m[1] == "JMP" && (!strings.HasSuffix(target, "(SB)") || target == cur+"(SB)") {
				continue // within the function (a branch, a jump table)
			}
			calls[cur] = append(calls[cur], target)
		}
	}
	if err := dump.Wait(); err != nil {
		t.Fatal(err)
	}

	start := "github.com/nstool/nstool/cmd/nstool/internal/early.start"
	seen := map[string]bool{start: true}
	todo := []string{start}
	var bad []string
	for len(todo) > 0 {
		fn := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, target := range calls[fn] {
			m := callSym.FindStringSubmatch(target)
			switch {
			case m == nil:
				bad = append(bad, fn+" calls through "+target)
			case runtimeOK.MatchString(m[1]):
			case !dumped(calls, m[1]):
				bad = append(bad, fn+" calls "+m[1])
			case !seen[m[1]]:
				seen[m[1]] = true
				todo = append(todo, m[1])
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Error(b)
	}
	if len(seen) < 10 {
		t.Errorf("only %d functions reached from start: is the objdump parsed right?", len(seen))
	}
	t.Logf("%d functions reachable from start, none needs the runtime", len(seen))
}

// dumped: fn's code was read (it is in a checked package).
func dumped(calls map[string][]string, fn string) bool {
	_, ok := calls[fn]
	return ok
}
