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
		err := cli.Execute(newCmd(ios, func(o *Options) (err error) {
			r, err = o.validate()
			return err
		}), c.args...)
		switch {
		case err != nil && (err.Error() != c.want || cli.ExitCode(err) != cli.ExitUsage):
			t.Errorf("mount %v: %v (exit %d), want %q", c.args, err, cli.ExitCode(err), c.want)
		case err == nil && (c.want != "" || r.optstr != c.optstr):
			t.Errorf("mount %v: options %q, want %q (error %q)", c.args, r.optstr, c.optstr, c.want)
		}
	}
}
