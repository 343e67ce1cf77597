package mount_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd/mountcmdtest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// mount -f --explain predicts what each call would do (before → after);
// the kernel is the oracle: the same command run for real must leave each
// mount in the state predicted, and the fake run must change nothing.
func TestFakePredictsTheKernel(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	predicted := regexp.MustCompile(`(?m)^  (\S+) +.* → (shared and slave|shared|slave|private|unbindable)\b.*\(predicted\)$`)
	real := regexp.MustCompile(`(?m)^  (\S+) +.* → ([^(\n]+?)(?: \(.*\))?$`)
	cmds := []string{"--bind a b", "--rbind a b", "-t tmpfs n b", "--move a b"}
	for _, w := range []string{"shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable"} {
		cmds = append(cmds, "--make-"+w+" a")
	}
	n := 0
	// And a peer inside the subtree a recursive call changes.
	inside := struct{ name, setup string }{"shared, its peer inside", `mkdir a; mount -t tmpfs a a; mount --make-shared a; mkdir a/p; mount --bind a a/p`}
	for _, st := range append(states, inside) {
		for _, args := range cmds {
			setup := st.setup + "; mkdir -p b"
			o := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), setup, `t=$(cat /proc/self/mountinfo); $M -f --explain `+args+
				`; [ "$t" = "$(cat /proc/self/mountinfo)" ] || echo FAKE-CHANGED-THE-TABLE >&2; $M --explain `+args)
			if strings.Contains(o.Stderr, "FAKE-CHANGED-THE-TABLE") {
				t.Errorf("%s, mount -f %s changed the mount table", st.name, args)
			}
			want := map[string]string{}
			for _, m := range predicted.FindAllStringSubmatch(o.Stderr, -1) {
				want[m[1]] = m[2]
			}
			if len(want) == 0 && !strings.Contains(o.Stderr, "= -1") {
				t.Errorf("%s, mount %s: no prediction:\n%s", st.name, args, o.Stderr)
			}
			for _, m := range real.FindAllStringSubmatch(o.Stderr, -1) {
				if strings.Contains(m[0], "(predicted)") {
					continue
				}
				if w, ok := want[m[1]]; ok {
					n++
					if got := stateOf(m[2]); got != w {
						t.Errorf("%s, mount %s: %s predicted %s, the kernel made it %s (%s):\n%s", st.name, args, m[1], w, got, m[2], o.Stderr)
					}
				}
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d predictions compared with the kernel", n)
	}
}

// stateOf reads Detail's words ("shared:3 master:1") as a state.
func stateOf(detail string) string {
	shared, slave := strings.Contains(detail, "shared:"), strings.Contains(detail, "master:")
	switch {
	case shared && slave:
		return "shared and slave"
	case shared:
		return "shared"
	case slave:
		return "slave"
	case strings.Contains(detail, "unbindable"):
		return "unbindable"
	}
	return "private"
}
