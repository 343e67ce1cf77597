package lab

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/nsutil/nstest"
)

// `lab demo` on a projector: findmnt's colours, the tree after every step,
// the lab's completion at the end, and none of the sandbox's "exit leaves"
// words, which are for a learner at a shell.
func TestDemoForAProjector(t *testing.T) {
	nstest.RequireRoot(t)
	out, errOut, code := nstool(t, "", stateEnv(t), "--color=always", "lab", "demo", "04-types", "--no-pause")
	if code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
	steps := strings.Split(out, "Step ")[1:]
	if len(steps) != 7 {
		t.Fatalf("%d steps shown, want 7:\n%s", len(steps), out)
	}
	for i, s := range steps {
		if !strings.Contains(s, "\nTARGET ") {
			t.Errorf("step %d shows no tree:\n%s", i+1, s)
		}
	}
	for _, want := range []string{"\x1b[32mshared\x1b[0m", "\x1b[33mprivate,slave\x1b[0m", "Lab 04 complete."} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "`exit` leaves") || strings.Contains(out, "This shell is the lab's sandbox") {
		t.Errorf("the demo tells the room how to leave a shell it does not have:\n%s", out)
	}
}
