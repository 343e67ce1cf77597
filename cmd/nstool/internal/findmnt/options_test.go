package findmnt

import (
	"fmt"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// planOnly reads the command line as run does, up to the plan.
func planOnly(o *Options) error {
	if err := o.validate(); err != nil {
		return err
	}
	_, err := o.plan()
	return err
}

// The command line is read and validated without reading a mount table.
func TestValidate(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // validate's or plan's error, "" for none
	}{
		{[]string{"-l", "-o", "TARGET,PEER-GROUP", "/"}, ""},
		{[]string{"-J", "-r"}, "mutually exclusive arguments: --json --pairs --raw --verify"},
		{[]string{"-C", "-c"}, "mutually exclusive arguments: --nocanonicalize --canonicalize"},
		{[]string{"-o", "FOO,TARGET"}, "unknown column: FOO,TARGET"},
		{[]string{"-N", "x"}, "invalid TID argument: 'x'"},
		{[]string{"--id", "x"}, "invalid id argument: 'x'"},
		{[]string{"-I", "-o", "TARGET"}, ""},
	} {
		ios, _, _, _ := cli.Test()
		err := cli.Execute(newCmd(ios, planOnly), c.args...)
		if got := fmt.Sprint(err); err != nil && got != c.want || err == nil && c.want != "" || cli.ExitCode(err) > 1 {
			t.Errorf("findmnt %v: %v (exit %d), want %q", c.args, err, cli.ExitCode(err), c.want)
		}
	}
}

// -V prints util-linux's version line with nstool's name, whatever follows.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"-V"}, {"--version"}, {"-V", "/nonexistent"}} {
		ios, _, out, errOut := cli.Test()
		if err := cli.Execute(NewCmd(ios), args...); err != nil || out.String() != cli.VersionLine("findmnt") || errOut.Len() != 0 {
			t.Errorf("findmnt %v: %v, out %q, err %q", args, err, out.String(), errOut.String())
		}
	}
}
