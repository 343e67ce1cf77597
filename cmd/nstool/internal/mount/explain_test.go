package mount_test

import (
	"regexp"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd/mountcmdtest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// --explain: the call in kernel terms, before → after with numbers for the
// target and (recursive) its submounts, and the rule that applied.
func TestExplain(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	for _, c := range []struct {
		state, cmd string
		want       []string // regexps, each must match stderr
	}{
		{states[0].setup, "$M --explain --make-rslave a", []string{
			`(?m)^mount\("none", "\$D/a", NULL, MS_REC\|MS_SLAVE, NULL\) = 0$`,
			`(?m)^  \$D/a +shared:(\d+) → master:(\d+)$`,
			`(?m)^  \$D/a/sub +shared:\d+ → master:\d+$`,
			`(?m)^  rule: shared \+ make-slave → slave/private \(here: slave\): .*sharedsubtree.rst`,
		}},
		{states[3].setup, "$M --explain --make-slave a", []string{
			`(?m)^  \$D/a +private → private \(no change\)$`,
			`(?m)^  rule: private \+ make-slave → private: slaving a non-shared mount has no effect`,
		}},
		{states[1].setup, "$M --explain --make-shared a", []string{
			`(?m)^  \$D/a +master:\d+ → shared:\d+ master:\d+$`,
			`rule: slave \+ make-shared → shared and slave`,
		}},
		{states[0].setup, "mkdir b; $M --explain --bind -o ro a b", []string{
			`(?m)^mount\("\$D/a", "\$D/b", NULL, MS_RDONLY\|MS_BIND, NULL\) = 0$`,
			`(?m)^  \$D/b +\(new\) → shared:\d+$`,
			`rule: shared source under a non-shared mount → shared`,
			`(?m)^mount\("none", "\$D/b", NULL, MS_RDONLY\|MS_REMOUNT\|MS_BIND, NULL\) = 0$`,
		}},
		{states[4].setup, "mkdir b; $M --explain --bind a b", []string{
			`= -1 EINVAL \(Invalid argument\)`,
			`mount: \$D/b: wrong fs type, bad option, bad superblock on \$D/a`,
		}},
		{states[0].setup, "$M --explain --make-private --make-shared --make-private a", []string{
			`note: "private" is not applied: util-linux applies each propagation type once`,
		}},
		{states[0].setup, "$U --explain a/sub", []string{
			`(?m)^umount2\("\$D/a/sub", 0\) = 0$`,
			`(?m)^  \$D/a/sub +shared:\d+ → \(unmounted\)$`,
			`(?m)^  \$D/peer/sub +shared:\d+ → \(unmounted\)$`,
			`rule: the parent \$D/a is shared`,
		}},
		{states[0].setup, "mount --make-rslave a; $U --explain -R peer", []string{
			`(?m)^umount2\("\$D/peer/sub", 0\) = 0\n.*\n.*\n.*\numount2\("\$D/peer", 0\) = 0$`,
			`(?m)^  \$D/a +master:\d+ → private$`,
			`slaves of an unmounted mount that had no peers left pass to that mount's own master, or become private`,
		}},
		{states[0].setup, "mkdir b; $M --explain --move a b", []string{
			`(?m)^  \$D/b +shared:\d+ → shared:\d+ \(moved from \$D/a\)$`,
			`sharedsubtree.rst 5d, move`,
		}},
	} {
		t.Run(c.cmd, func(t *testing.T) {
			o := mountcmdtest.Run(t, mountcmdtest.Nstool(bin), c.state, c.cmd)
			for _, w := range c.want {
				if !regexp.MustCompile(w).MatchString(o.Stderr) {
					t.Errorf("--explain output lacks %s:\n%s", w, o.Stderr)
				}
			}
		})
	}
}
