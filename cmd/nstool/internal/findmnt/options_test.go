package findmnt

import (
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

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
		{[]string{"-I", "x"}, "invalid id argument: 'x'"},
	} {
		ios, _, _, _ := cli.Test()
		cmd := newCmd(ios, func(o *Options) error {
			if err := o.validate(); err != nil {
				return err
			}
			_, err := o.plan()
			return err
		})
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		cmd.SetArgs(c.args)
		err := cmd.Execute()
		got := ""
		if err != nil {
			got = err.Error()
			if cli.ExitCode(err) != 1 {
				t.Errorf("findmnt %v: exit %d, want 1", c.args, cli.ExitCode(err))
			}
		}
		if got != c.want {
			t.Errorf("findmnt %v: %q, want %q", c.args, got, c.want)
		}
	}
}
