package nsexec

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nstool/nstool/nsutil/spawn"
)

// unshare's and nsenter's --explain lines are laid out for stderr's
// terminal: no line wider than it, later lines under the second column;
// without a terminal, today's bytes.
func TestExplainWraps(t *testing.T) {
	why := "a pid namespace, no user or time namespace: nstool calls unshare(CLONE_FS) on its own thread, enters there, and forks the program once"
	sp := &spawn.Spawn{Steps: []spawn.Step{{Text: `mount("none", "/", NULL, MS_REC|MS_PRIVATE, NULL)`}}, Here: 1, Name: "bash", Argv: []string{"bash"}}
	var plain bytes.Buffer
	Explain(&plain, 0, sp, false, why)
	ExplainEarly(&plain, 0)
	if !strings.HasPrefix(plain.String(), "nstool     # "+why+"\n") {
		t.Errorf("no terminal:\n%s", plain.String())
	}
	for _, width := range []int{60, 80, 120} {
		var b bytes.Buffer
		Explain(&b, width, sp, false, why)
		ExplainEarly(&b, width)
		for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
			if n := len([]rune(l)); n > width {
				t.Errorf("width %d: a line of %d columns: %q", width, n, l)
			}
			if !strings.HasPrefix(l, "nstool ") && !strings.HasPrefix(l, "child ") && !strings.HasPrefix(l, "           ") {
				t.Errorf("width %d: %q is neither a step nor under the second column", width, l)
			}
		}
		if strings.Join(strings.Fields(b.String()), " ") != strings.Join(strings.Fields(plain.String()), " ") {
			t.Errorf("width %d: the words changed:\n%s", width, b.String())
		}
	}
}
