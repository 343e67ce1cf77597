package umount

import (
	"os"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd"
	"github.com/nstool/nstool/nsutil/mountinfo"
)

// restricted is umount run by a user, who may not unmount: util-linux's
// umount is setuid and checks the argument before any call, as nstool does
// here with the same words. A path that does not resolve ends the whole
// command ("SPEC: No such file or directory", exit 1; a source name is
// no path to a user's umount); one that is no mount point is "PATH: not
// mounted." (exit 1 for it; -q does not silence it); a mount point goes to
// umount2(2), whose EPERM is the message, with nstool's hint. -c changes
// nothing here.
func (o *Options) restricted(mounts []mountinfo.Mount, spec string, flags int) int {
	c, ok := mountcmd.Canonical(spec, false)
	if !ok {
		_, err := os.Stat(spec)
		if err == nil {
			err = os.ErrNotExist
		}
		o.warn("%s: %s", spec, cli.Strerror(err))
		o.fatal = true
		return cli.ExitFailure
	}
	m := mountinfo.Table(mounts).Top(c)
	if m == nil {
		o.warn("%s: not mounted.", c)
		return cli.ExitFailure
	}
	return o.unmount(mounts, found{target: c, mount: m}, flags, true)
}
