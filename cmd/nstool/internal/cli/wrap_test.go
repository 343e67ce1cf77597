package cli

import (
	"strings"
	"testing"
)

// A step as a lab shows it: prose hard-wrapped in lab.txt, command lines
// indented deeper, one with its util-linux line beside it.
const stepText = `Step 1/5 · A copy that keeps propagation

  Start a shell in a new mount namespace, keeping the propagation as it is, and compare /lab/shared's line in /proc/self/mountinfo here and on the host.

      nstool unshare --mount --propagation unchanged   # util-linux: unshare --mount --propagation unchanged
      mkdir /lab/shared/from-host

  rule: shared + make-slave → slave: the mount keeps receiving from its old peers and sends nothing back (sharedsubtree.rst, state table)
`

func TestWrapAtWidths(t *testing.T) {
	cmd := "      nstool unshare --mount --propagation unchanged"
	comment := "# util-linux: unshare --mount --propagation unchanged"
	for _, width := range []int{60, 80, 120} {
		got := Wrap(stepText, width)
		// No word is broken, none is lost: the words are the text's, in order.
		if g, w := strings.Fields(got), strings.Fields(stepText); strings.Join(g, " ") != strings.Join(w, " ") {
			t.Errorf("width %d: the words changed:\n%s", width, got)
		}
		for _, l := range strings.Split(got, "\n") {
			if Width(l) > width && l != cmd {
				t.Errorf("width %d: a line of %d columns: %q", width, Width(l), l)
			}
		}
		// The command stays whole; its comment is beside it when it fits,
		// below it, at its indentation, when not.
		beside := cmd + "   " + comment
		switch {
		case Width(beside) <= width:
			if !strings.Contains(got, beside+"\n") {
				t.Errorf("width %d: the comment is not beside its command:\n%s", width, got)
			}
		default:
			if !strings.Contains(got, cmd+"\n      "+comment+"\n") {
				t.Errorf("width %d: the comment is not below its command:\n%s", width, got)
			}
		}
		if !strings.Contains(got, "\n      mkdir /lab/shared/from-host\n") {
			t.Errorf("width %d: a short command changed:\n%s", width, got)
		}
		// The rule's later lines hang under its text, not under "rule:".
		if width < 120 && !strings.Contains(got, "\n        ") {
			t.Errorf("width %d: the rule's lines do not hang under its text:\n%s", width, got)
		}
	}
	// At 80 columns, exactly this.
	want := `Step 1/5 · A copy that keeps propagation

  Start a shell in a new mount namespace, keeping the propagation as it is, and
  compare /lab/shared's line in /proc/self/mountinfo here and on the host.

      nstool unshare --mount --propagation unchanged
      # util-linux: unshare --mount --propagation unchanged
      mkdir /lab/shared/from-host

  rule: shared + make-slave → slave: the mount keeps receiving from its old
        peers and sends nothing back (sharedsubtree.rst, state table)
`
	if got := Wrap(stepText, 80); got != want {
		t.Errorf("at 80 columns:\n%s\nwant:\n%s", got, want)
	}
}

// No terminal: the text as it is, byte for byte.
func TestWrapWithoutATerminal(t *testing.T) {
	if got := Wrap(stepText, 0); got != stepText {
		t.Errorf("Wrap(text, 0) changed the text:\n%s", got)
	}
}

func TestWrapLeads(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"hint 1/2: one two three four five six", "hint 1/2: one two three four\n          five six"},
		{"nstool     # one two three four five six", "nstool     # one two three\n             four five six"},
		{"  ✗ host /lab/x is peer of host /lab/y", "  ✗ host /lab/x is peer of\n    host /lab/y"},
		{"  \x1b[1;31m✗\x1b[0m host /lab/x is peer of host /lab/y", "  \x1b[1;31m✗\x1b[0m host /lab/x is peer of\n    host /lab/y"},
		{"Two mounts: one two three four five", "Two mounts: one two three four\nfive"},
		{"\x1b[1mLab 01 · Title\x1b[0m  (about 5 minutes, 4 steps)", "\x1b[1mLab 01 · Title\x1b[0m (about 5\nminutes, 4 steps)"},
	} {
		if got := Wrap(tc.in, 30); got != tc.want {
			t.Errorf("Wrap(%q, 30) =\n%s\nwant\n%s", tc.in, got, tc.want)
		}
	}
}

// A comment set far from its command comes closer before it goes below.
func TestWrapBringsACommentCloser(t *testing.T) {
	in := "  Then:\n      nstool unshare --mount                            # util-linux: unshare --mount"
	want := "  Then:\n      nstool unshare --mount   # util-linux: unshare --mount"
	if got := Wrap(in, 80); got != want {
		t.Errorf("at 80:\n%s\nwant\n%s", got, want)
	}
	if got := Wrap(in, 40); got != "  Then:\n      nstool unshare --mount\n      # util-linux: unshare --mount" {
		t.Errorf("at 40:\n%s", got)
	}
}

// Lines that fit keep their spacing and their breaks; a column layout
// hangs under its second column.
func TestWrapKeepsWhatFits(t *testing.T) {
	in := "Lab 01 · Title  (about 5 minutes)\nchild      mount(\"none\", \"/\", NULL, MS_REC|MS_PRIVATE, NULL) = 0"
	if got := Wrap(in, 80); got != in {
		t.Errorf("Wrap changed lines that fit:\n%s", got)
	}
	want := "child      mount(\"none\", \"/\", NULL,\n           MS_REC|MS_PRIVATE, NULL) = 0"
	if got := Wrap(strings.Split(in, "\n")[1], 40); got != want {
		t.Errorf("a column layout at 40:\n%s\nwant\n%s", got, want)
	}
}
