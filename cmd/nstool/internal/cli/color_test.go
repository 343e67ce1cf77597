package cli

import "testing"

// CLICOLOR_FORCE gives colour on a pipe (a lab demo's commands); NO_COLOR
// still wins, and --color=never.
func TestForceColor(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	t.Setenv("CLICOLOR_FORCE", "1")
	if s := System(); !s.ColorEnabled() {
		t.Errorf("CLICOLOR_FORCE=1: no colour")
	} else if s.SetColorMode("never"); s.ColorEnabled() {
		t.Errorf("CLICOLOR_FORCE=1 --color=never: colour")
	}
	t.Setenv("NO_COLOR", "1")
	if System().ColorEnabled() {
		t.Errorf("CLICOLOR_FORCE=1 NO_COLOR=1: colour")
	}
	t.Setenv("NO_COLOR", "")
	t.Setenv("CLICOLOR_FORCE", "0")
	if s := System(); s.ColorEnabled() != s.IsStdoutTTY() {
		t.Errorf("CLICOLOR_FORCE=0 forces colour")
	}
}
