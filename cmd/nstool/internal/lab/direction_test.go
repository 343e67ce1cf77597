package lab

import (
	"strconv"
	"strings"
	"testing"

	"github.com/nstool/nstool/labs"
	"github.com/nstool/nstool/nsutil/nstest"
)

// A step about direction fails when the learner does it the wrong way
// round, although the end state then looks right: each case types the
// earlier steps' solutions, then the wrong action, then `nstool lab check`,
// and sees exactly one check fail, the one about who made the mount, with
// a message that says so.
func TestChecksSeeTheDirection(t *testing.T) {
	nstest.RequireRoot(t)
	for _, tc := range []struct {
		name, lab string
		done      int    // steps solved first
		wrong     string // what the learner types instead
		check     string // the check that fails
		says      string // part of what it says
	}{
		{"03 step 1 with --propagation shared", "03", 0,
			"nstool unshare --mount --propagation shared",
			"other /lab is private", "/lab in your namespace is shared"},
		{"03 step 2 mounted in the copy", "03", 1,
			"mkdir /lab/shared/from-host\nnstool mount -t tmpfs h /lab/shared/from-host",
			"other /lab/shared/from-host came from host", "/lab/shared/from-host in your namespace is the original, mounted in your namespace, and host /lab/shared/from-host is the copy"},
		{"03 step 3 mounted on the host", "03", 2,
			"mkdir /lab/shared/from-copy\nnstool lab shell host -- nstool mount -t tmpfs c /lab/shared/from-copy",
			"host /lab/shared/from-copy came from other", "host /lab/shared/from-copy is the original, mounted in host's namespace"},
		{"03 step 4 without leaving the first copy", "03", 3,
			"nstool unshare --mount",
			"other is one namespace", "2 namespaces you made are running"},
		{"05 step 5 the bind made on the host too", "05", 4,
			"mkdir -p /lab/app /lab/vol/chain\nnstool mount --bind /lab/vol /lab/app\nnstool lab shell container -- nstool mount --bind /lab/vol /lab/app\nnstool mount -t tmpfs chain /lab/vol/chain",
			"host /lab/app is not mounted", "/lab/app is a mount point (tmpfs vol) in host's namespace"},
		{"05 step 6 mounted on /lab/vol, not through the bind", "05", 5,
			"mkdir /lab/vol/up\nnstool lab shell container -- nstool mount -t tmpfs up /lab/vol/up",
			"container /lab/vol/up came from container /lab/app/up", "container /lab/vol/up is the original, mounted in container's namespace"},
		{"05 step 6 with a stray mount on the host", "05", 5,
			"mkdir -p /lab/vol/up /lab/app/up\nnstool lab shell container -- nstool mount -t tmpfs up /lab/app/up\nnstool mount -t tmpfs stray /lab/app/up",
			"host /lab/app/up is not mounted", "/lab/app/up is a mount point (tmpfs stray) in host's namespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			all, _ := labs.All()
			l, err := labs.Find(all, tc.lab)
			if err != nil {
				t.Fatal(err)
			}
			var script strings.Builder
			for _, s := range l.Steps[:tc.done] {
				script.WriteString(s.Solution + "\nnstool lab check >/dev/null\n")
			}
			script.WriteString(tc.wrong + "\nnstool lab check\n")
			out, errOut, _ := nstool(t, script.String(), stateEnv(t), "lab", "start", l.ID)
			_, report, _ := strings.Cut(out, "✗ step "+itoa(tc.done+1)+"/")
			if report == "" {
				t.Fatalf("no failed check of step %d:\n%s\n%s", tc.done+1, out, errOut)
			}
			t.Log("\n✗ step " + itoa(tc.done+1) + "/" + report)
			if n := strings.Count(report, "  ✗ "); n != 1 || !strings.Contains(report, "  ✗ "+tc.check+"\n") || !strings.Contains(report, tc.says) {
				t.Errorf("want only %q to fail, saying %q; %d failed:\n%s", tc.check, tc.says, n, report)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
