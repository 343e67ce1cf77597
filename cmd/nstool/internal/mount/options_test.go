package mount

import (
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// The command line is read and validated without a mount(2) call.
func TestValidate(t *testing.T) {
	for _, c := range []struct {
		args   []string
		want   string // validate's error, "" for none
		optstr string
	}{
		{[]string{"--make-shared", "--make-rslave", "/x"}, "", "shared,rslave"},
		{[]string{"-B", "-o", "ro", "a", "b"}, "", "bind,ro"},
		{[]string{"--bind", "--move", "a", "b"}, "mutually exclusive arguments: --bind --move --rbind", ""},
		{[]string{"-a"}, "--all mounts what /etc/fstab lists, and nstool does not read /etc/fstab", ""},
		{[]string{"a", "b", "c"}, "bad usage", ""},
		{[]string{"-o", "ro"}, "bad usage", ""},
		{[]string{"--bind", "-t", "tmpfs", "a", "b"}, "bad usage", ""},
		{[]string{"-z"}, "invalid option -- 'z'", ""},
	} {
		ios, _, _, _ := cli.Test()
		var r *request
		cmd := newCmd(ios, func(o *Options) (err error) {
			r, err = o.validate()
			return err
		})
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		cmd.SetArgs(c.args)
		err := cmd.Execute()
		got := ""
		if err != nil {
			got = err.Error()
			if cli.ExitCode(err) != cli.ExitUsage {
				t.Errorf("mount %v: exit %d, want 1", c.args, cli.ExitCode(err))
			}
		}
		if got != c.want {
			t.Errorf("mount %v: %q, want %q", c.args, got, c.want)
		}
		if err == nil && r.optstr != c.optstr {
			t.Errorf("mount %v: options %q, want %q", c.args, r.optstr, c.optstr)
		}
	}
}
