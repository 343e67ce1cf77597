package lab

import (
	"os"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
	"github.com/nstool/nstool/nsutil/nstest"
)

// A lab left at step 3 is offered to go on from there on a terminal; a
// pipe, a "no" or a finished lab starts at step 1; --step chooses.
func TestStartingStep(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	os.MkdirAll(dir+"/nstool", 0o755)
	os.WriteFile(dir+"/nstool/progress.json", []byte(`{"03-peers": {"best_step": 2}, "01-isolation": {"done": true, "best_step": 5}}`), 0o644)
	all, _ := labs.All()
	l03, _ := labs.Find(all, "03")
	l01, _ := labs.Find(all, "01")
	for _, tc := range []struct {
		lab    *labs.Lab
		tty    bool
		answer string
		step   string // "": no --step
		want   int
		asks   bool
	}{
		{l03, true, "\n", "", 2, true},
		{l03, true, "y\n", "", 2, true},
		{l03, true, "n\n", "", 0, true},
		{l03, false, "", "", 0, false},
		{l01, true, "y\n", "", 0, false},
		{l03, true, "", "4", 3, false},
	} {
		ios, in, _, errOut := cli.Test()
		ios.SetStdinTTY(tc.tty)
		in.WriteString(tc.answer)
		var step *string
		if tc.step != "" {
			step = &tc.step
		}
		got, err := startingStep(ios, tc.lab, step)
		asked := strings.Contains(errOut.String(), "You left 03-peers at step 3/5. Go on from there")
		if err != nil || got != tc.want || asked != tc.asks {
			t.Errorf("%s tty=%v answer %q --step %q: step %d (%v), asked %v; want %d, asked %v", tc.lab.ID, tc.tty, tc.answer, tc.step, got, err, asked, tc.want, tc.asks)
		}
	}
	for _, step := range []string{"9", "0", "-1", "x", ""} {
		if _, err := startingStep(cli.System(), l03, &step); err == nil || !strings.Contains(err.Error(), "has steps 1 to 5") {
			t.Errorf("--step %q: %v", step, err)
		}
	}
}

// Going on from step 4 of lab 03: the new sandbox redid steps 1-3 (the
// learner is in the copy step 1 made, its mounts there), `exit` leaves the
// copy, not the lab, and step 4 passes as if it had been done all along.
// findmnt lists a mount's children by their mount IDs (libmount), which the
// kernel hands out lowest free first, reusing those of mounts gone anywhere
// on the host: from-copy, mounted after from-host, may well have the lower
// ID. The listing is sorted, so that only what is mounted counts.
func TestGoOnFromAStep(t *testing.T) {
	nstest.RequireRoot(t)
	script := "findmnt -rn -o TARGET -R /lab/shared | sort\nexit\nnstool unshare --mount\nnstool lab check\nexit\nexit\n"
	out, errOut, code := nstool(t, script, stateEnv(t), "lab", "start", "03", "--step", "4")
	for _, want := range []string{"Going on from step 4/5", "Step 4/5 · ", "\n/lab/shared\n/lab/shared/from-copy\n/lab/shared/from-host\n", "✓ step 4/5"} {
		if !strings.Contains(out, want) {
			t.Errorf("lab start 03 --step 4 lacks %q", want)
		}
	}
	if code != 0 || t.Failed() {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
}

// On a terminal `lab list` says what its marks mean; a pipe gets the rows
// only.
func TestListExplainsItsMarks(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	for _, tty := range []bool{true, false} {
		ios, _, out, _ := cli.Test()
		ios.SetStdoutTTY(tty)
		cmd := NewCmd(ios)
		cmd.SetArgs([]string{"list"})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(out.String(), "✓ done   … in progress"); got != tty {
			t.Errorf("tty=%v: legend shown %v:\n%s", tty, got, out.String())
		}
	}
	// At 80 columns the step reached goes under the title, whole.
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	os.MkdirAll(dir+"/nstool", 0o755)
	os.WriteFile(dir+"/nstool/progress.json", []byte(`{"03-peers": {"best_step": 3}}`), 0o644)
	ios, _, out, _ := cli.Test()
	ios.SetStdoutTTY(true)
	ios.SetTerminalWidth(80)
	cmd := NewCmd(ios)
	cmd.SetArgs([]string{"list"})
	cmd.Execute()
	want := "… 03-peers        15 min  Copies are peers, and unshare's default is private\n" +
		"                          (3/5 steps passed; lab start goes on from step 4)\n"
	if !strings.Contains(out.String(), want) {
		t.Errorf("lab list at 80 columns:\n%s", out.String())
	}
}
