package lab

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

// Every lab's banner and steps at 60, 80 and 120 columns: no prose line is
// wider than the terminal, no word is broken, and every command line a step
// shows is on a line of its own, whole, its util-linux comment beside it
// (closer if need be) or on the line below.
func TestLabTextAtWidths(t *testing.T) {
	all, err := labs.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		text := labs.Banner(l) + labs.SandboxIntro
		for i := range l.Steps {
			text += labs.StepText(l, i, false)
		}
		for _, width := range []int{60, 80, 120} {
			got := cli.Wrap(text, width)
			if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(text), " ") {
				t.Errorf("%s at %d: the words changed", l.ID, width)
			}
			shown := map[string]bool{}
			for _, line := range strings.Split(got, "\n") {
				shown[strings.TrimSpace(line)] = true
			}
			commands := map[string]bool{}
			for _, line := range strings.Split(text, "\n") {
				// As cli.Wrap reads them: lines indented four columns or
				// more (the banner's at 4, a step's at 6) are commands.
				if strings.HasPrefix(line, "    ") && strings.TrimSpace(line) != "" {
					cmd, comment, ok := strings.Cut(strings.TrimSpace(line), "  #")
					cmd = strings.TrimSpace(cmd)
					commands[cmd] = true
					if ok {
						commands["#"+comment] = true // a comment moved below is never broken either
					}
					whole := shown[strings.TrimSpace(line)]
					below := ok && shown[cmd] && shown["#"+comment]
					closer := ok && shown[cmd+"   #"+comment]
					if !whole && !below && !closer {
						t.Errorf("%s at %d: the command line %q is broken:\n%s", l.ID, width, strings.TrimSpace(line), got)
					}
				}
			}
			for _, line := range strings.Split(got, "\n") {
				if cli.Width(line) > width && !commands[strings.TrimSpace(line)] {
					t.Errorf("%s at %d: a prose line of %d columns: %q", l.ID, width, cli.Width(line), line)
				}
			}
		}
		// No terminal: today's bytes.
		if cli.Wrap(text, 0) != text {
			t.Errorf("%s: without a terminal the text changed", l.ID)
		}
	}
}

// `lab --help`'s example enters an actor that a lab starts.
func TestHelpNamesARealActor(t *testing.T) {
	ios, _, out, _ := cli.Test()
	cmd := NewCmd(ios)
	cmd.SetOut(out)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	all, _ := labs.All()
	for _, line := range strings.Split(out.String(), "\n") {
		_, rest, ok := strings.Cut(line, "nstool lab shell ")
		if !ok {
			continue
		}
		actor := strings.Fields(rest)[0]
		found := actor == "host"
		for _, l := range all {
			found = found || strings.Contains(l.Setup, "nstool lab actor "+actor+" ")
		}
		if !found {
			t.Errorf("lab --help enters actor %q, which no lab starts:\n%s", actor, line)
		}
		return
	}
	t.Errorf("lab --help has no `nstool lab shell` example:\n%s", out.String())
}
