package crossview

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// On a terminal the long last column goes below its row, wrapped on word
// boundaries at the width; in a pipe it stays the last column, whole.
func TestPrintTableNotesBelowOnATerminal(t *testing.T) {
	cols := []Column{{"NS", 10, 0}, {"AT", 0.3, 0}, {"WHY", 0.5, 0}}
	rows := []Row{
		{Cells: []string{"4026531840", "/srv"}},
		{Cells: []string{"4026532200", ""}, Note: "its copy at /srv is private, made so when the namespace was created"},
	}
	ios, _, out, _ := cli.Test()
	ios.SetStdoutTTY(true)
	ios.SetTerminalWidth(40)
	if err := PrintTable(ios, "t", false, false, cols, "why", rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) < 5 || strings.Contains(lines[0], "WHY") || !strings.HasPrefix(strings.TrimSpace(lines[3]), "why: its copy") {
		t.Fatalf("on a terminal:\n%s", out.String())
	}
	for _, l := range lines {
		if cli.Width(l) > 40 {
			t.Errorf("a line wider than the terminal: %q", l)
		}
	}
	ios, _, out, _ = cli.Test()
	if err := PrintTable(ios, "t", false, false, cols, "why", rows); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "WHY") || !strings.Contains(got, "/srv is private, made so when the namespace was created\n") {
		t.Errorf("in a pipe:\n%s", got)
	}
}
