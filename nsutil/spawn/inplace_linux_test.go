package spawn

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestForkHere: the fork and the waiter's own steps go, the rest is the
// child's (Here), and references between the steps still name the same ones.
func TestForkHere(t *testing.T) {
	sp := &Spawn{Steps: []Step{
		{Text: "a"},
		{Text: "b", SkipIfDone: 1},
		sigchldDefault(),
		{Kind: StepSyscall, Text: "pdeathsig", Trap: unix.SYS_PRCTL, Args: [6]uintptr{unix.PR_SET_PDEATHSIG}},
		{Kind: StepForkWait, Text: "fork"},
		{Text: "c", OKIfDone: 2},
		{Text: "d", SkipIfDone: 6},
	}}
	if !sp.ForkHere() {
		t.Fatal("ForkHere: no fork found")
	}
	var got []string
	for _, s := range sp.Steps {
		got = append(got, s.Text)
	}
	if len(got) != 4 || got[0] != "a" || got[1] != "b" || got[2] != "c" || got[3] != "d" || sp.Here != 2 {
		t.Fatalf("steps %q, Here %d; want [a b c d], 2", got, sp.Here)
	}
	if sp.Steps[1].SkipIfDone != 1 || sp.Steps[2].OKIfDone != 2 || sp.Steps[3].SkipIfDone != 3 {
		t.Errorf("references: b→%d c→%d d→%d; want 1 (a), 2 (b), 3 (c)",
			sp.Steps[1].SkipIfDone, sp.Steps[2].OKIfDone, sp.Steps[3].SkipIfDone)
	}
	if (&Spawn{Steps: []Step{{Text: "a"}}}).ForkHere() {
		t.Error("ForkHere on a plan without a fork")
	}
}
