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
	"sync"
	"testing"
)

var (
	textSym = regexp.MustCompile(`^TEXT (\S+)\(SB\)`)
	// A call, or a jump to another function (a tail call).
	callInsn = regexp.MustCompile(`\t(CALL|JMP) (.*)$`)
	callSym  = regexp.MustCompile(`^(\S+)\(SB\)$`)
	// A symbol an instruction names (an address taken, a variable read).
	dataSym = regexp.MustCompile(`([\w./*()\[\]-]+)\(SB\)`)
	// What start may reach in Go's runtime: memory compares and copies
	// (pure functions of their arguments), the calls that a prologue or a
	// pointer store make only when the stack guard or the write barrier
	// say so (before the runtime they never do: the fake g's guard is 0,
	// the barrier is off), and the panics of a bounds or unsafe check.
	// A panic faults on the fake g, and the fault guard (faulted) turns it
	// into the ordinary start: TestPanicBeforeRuntime.
	runtimeOK = regexp.MustCompile(`^(runtime\.(memequal|memmove|panicBounds|panicunsafe\w+|morestack_noctxt\.abi0|gcWriteBarrier\d|wbZero|wbMove)|internal/runtime/syscall/linux\.Syscall6)$`)
	// The packages whose code is checked: nstool's, and the raw system
	// call; and every package's init functions.
	checked = `^(github\.com/nstool/nstool/|syscall\.RawSyscall|internal/runtime/syscall)|\.init(\.\d+)?$`
)

var (
	earlyBin     string
	earlyBinErr  error
	earlyBinOnce sync.Once
)

// earlyBinary is nstool built with the entry point, as the Makefile does.
func earlyBinary(t *testing.T) string {
	t.Helper()
	if runtime.GOARCH != "amd64" || !gateOpen(t) {
		t.Skip("the early start exists on linux/amd64 with go.mod's toolchain release only (TestGate)")
	}
	earlyBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nstool-early-test-")
		if err != nil {
			earlyBinErr = err
			return
		}
		earlyBin = filepath.Join(dir, "nstool")
		build := exec.Command("go", "build", "-buildvcs=false", "-ldflags", "-E "+EntrySymbol, "-o", earlyBin, "github.com/nstool/nstool/cmd/nstool")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			earlyBinErr = &buildError{err, string(out)}
		}
	})
	if earlyBinErr != nil {
		t.Fatalf("go build: %v", earlyBinErr)
	}
	return earlyBin
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

func TestMain(m *testing.M) {
	code := m.Run()
	if earlyBin != "" {
		os.RemoveAll(filepath.Dir(earlyBin))
	}
	os.Exit(code)
}

// start (and faulted, the fault guard's handler) run before the Go runtime
// exists: no heap, no scheduler, no initialised package. Walk every
// function they can reach in the linked binary (calls and tail jumps) and
// fail on a call that needs the runtime (an allocation, a goroutine, a
// map, an interface or closure call we cannot follow), and on a variable
// they read that an init function touches (it would read as zero: only
// constants and statically initialised data may be read).
func TestStartNeedsNoRuntime(t *testing.T) {
	bin := earlyBinary(t)
	dump := exec.Command("go", "tool", "objdump", "-s", checked, bin)
	out, err := dump.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := dump.Start(); err != nil {
		t.Fatal(err)
	}
	calls := map[string][]string{}
	data := map[string][]string{}
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
		if cur == "" {
			continue
		}
		if m := callInsn.FindStringSubmatch(line); m != nil {
			target := strings.TrimSpace(m[2])
			if m[1] == "JMP" && (!strings.HasSuffix(target, "(SB)") || target == cur+"(SB)") {
				continue // within the function (a branch, a jump table)
			}
			calls[cur] = append(calls[cur], target)
			continue
		}
		for _, m := range dataSym.FindAllStringSubmatch(line, -1) {
			data[cur] = append(data[cur], m[1])
		}
	}
	if err := dump.Wait(); err != nil {
		t.Fatal(err)
	}

	const pkg = "github.com/nstool/nstool/cmd/nstool/internal/early."
	seen := map[string]bool{}
	var todo []string
	for _, root := range []string{pkg + "start", pkg + "faulted"} {
		if !dumped(calls, root) {
			t.Fatalf("%s is not in the binary", root)
		}
		seen[root] = true
		todo = append(todo, root)
	}
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
	// The variables an init function names, and those start reads.
	byInit := map[string]string{}
	for fn, syms := range data {
		if regexp.MustCompile(`\.init(\.\d+)?$`).MatchString(fn) {
			for _, s := range syms {
				byInit[s] = fn
			}
		}
	}
	read := 0
	for fn := range seen {
		for _, s := range data[fn] {
			if !strings.HasPrefix(s, "github.com/nstool/nstool/") || dumped(calls, s) {
				continue // another package's (the runtime's flags), or code
			}
			read++
			if init, ok := byInit[s]; ok {
				bad = append(bad, fn+" reads "+s+", which "+init+" sets up")
			}
		}
	}
	sort.Strings(bad)
	for i, b := range bad {
		if i == 0 || b != bad[i-1] {
			t.Error(b)
		}
	}
	if len(seen) < 10 || read < 10 || len(byInit) == 0 {
		t.Errorf("%d functions reached, %d reads of nstool's variables, %d symbols named by init functions: is the objdump parsed right?",
			len(seen), read, len(byInit))
	}
	t.Logf("%d functions reachable from start and faulted, none needs the runtime; %d reads of static data, none set up by an init function", len(seen), read)
}

// dumped: fn's code was read (it is in a checked package).
func dumped(calls map[string][]string, fn string) bool {
	_, ok := calls[fn]
	return ok
}

// A panic before the runtime (here a failing bounds check, which
// NSTOOL_EARLY=panic makes) is no crash: the fault guard runs nstool again
// with the ordinary start, which does the work.
func TestPanicBeforeRuntime(t *testing.T) {
	bin := earlyBinary(t)
	args, want := []string{"unshare", "--help"}, "Usage:"
	if os.Geteuid() == 0 {
		args, want = []string{"unshare", "-m", "sh", "-c", "echo start: $NSTOOL_EARLY"}, "start: off"
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"NSTOOL_EARLY=panic"}, os.Environ()...)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), want) {
		t.Errorf("NSTOOL_EARLY=panic nstool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
