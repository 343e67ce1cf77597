package mountcmd

import (
	"bytes"
	"strings"
	"testing"
)

const rule = "shared + make-slave → slave/private (here: slave): the mount keeps receiving from its old peer group and sends nothing back (sharedsubtree.rst, state table)"

// --explain's rule lines are laid out for stderr's terminal: at 60, 80 and
// 120 columns no line is wider, and each later line hangs under the rule's
// text; without a terminal the line is as it was.
func TestExplainWraps(t *testing.T) {
	for _, width := range []int{60, 80, 120} {
		var b bytes.Buffer
		e := &Explainer{W: &b, On: true, Width: width}
		e.Rule(rule)
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if len(lines) < 2 {
			t.Errorf("width %d: the rule is on one line of %d columns", width, len(lines[0]))
		}
		for i, l := range lines {
			if n := len([]rune(l)); n > width {
				t.Errorf("width %d: a line of %d columns: %q", width, n, l)
			}
			if i > 0 && !strings.HasPrefix(l, "        ") {
				t.Errorf("width %d: %q does not hang under the rule's text", width, l)
			}
		}
		if got := strings.Join(strings.Fields(b.String()), " "); got != "rule: "+rule {
			t.Errorf("width %d: the words changed: %q", width, got)
		}
	}
	var b bytes.Buffer
	(&Explainer{W: &b, On: true}).Rule(rule)
	if b.String() != "  rule: "+rule+"\n" {
		t.Errorf("no terminal: %q", b.String())
	}
}
