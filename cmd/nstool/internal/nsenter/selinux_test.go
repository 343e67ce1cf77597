package nsenter

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// selinuxEnabled agrees with libselinux's is_selinux_enabled(3), asked
// through util-linux nsenter: with -Z and no target it says "no target PID
// specified for --follow-context" where SELinux is enabled, and runs the
// program where it is not.
func TestFollowContextAsLibselinux(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "nsenter")
	r := tools[0].Run(t, nsexectest.Options{}, "-Z", "true")
	libselinux := r.Code == 1 && strings.Contains(r.Stderr, "no target PID specified for --follow-context")
	if !libselinux && (r.Code != 0 || r.Stderr != "") {
		t.Fatalf("util-linux nsenter -Z true: %+v", r)
	}
	if got := selinuxEnabled(); got != libselinux {
		t.Errorf("selinuxEnabled() = %v, libselinux says %v", got, libselinux)
	}
	// And nstool's nsenter -Z does what util-linux's does, or refuses.
	ns := tools[1].Run(t, nsexectest.Options{}, "-Z", "true")
	if libselinux && ns.Code != 1 || !libselinux && (ns != r) {
		t.Errorf("nstool nsenter -Z true: %+v, util-linux %+v", ns, r)
	}
}

// Where SELinux is enabled (no machine of this project's has it: this is
// the decision alone), -Z asks for a target as util-linux does, then
// refuses in one line, exit 1; where it is not, -Z changes nothing.
func TestFollowContextDecision(t *testing.T) {
	for _, c := range []struct {
		enabled, target bool
		want            string
	}{
		{false, false, ""},
		{false, true, ""},
		{true, false, "no target PID specified for --follow-context"},
		{true, true, "--follow-context: nstool does not set SELinux contexts"},
	} {
		err := followContext(c.enabled, c.target)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("SELinux %v, target %v: %v", c.enabled, c.target, err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want) || cli.ExitCode(err) != 1 || strings.Contains(err.Error(), "\n")):
			t.Errorf("SELinux %v, target %v: %v (exit %d), want %q…, exit 1", c.enabled, c.target, err, cli.ExitCode(err), c.want)
		}
	}
}
