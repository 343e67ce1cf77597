package umount

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd"
	"github.com/nstool/nstool/nsutil/namespaces"
)

// validate refuses what umount(8) refuses: no target (nstool never reads
// /etc/fstab, so there is no "umount -a"), and the options it cannot
// combine, with its message and exit status 1.
func (o *Options) validate() error {
	if len(o.Targets) == 0 {
		return cli.Usagef(cli.ExitUsage, "bad usage")
	}
	given := func(name string) bool { return o.changed != nil && o.changed(name) }
	for _, group := range [][]string{{"test-opts", "recursive", "types"}, {"recursive", "read-only"}} {
		n := 0
		for _, name := range group {
			// umount(8) 2.38.1 never counts -O here: its table of
			// exclusive options is out of the order its check reads it
			// in, so -O -R goes through and only -t -R is refused.
			if given(name) && name != "test-opts" {
				n++
			}
		}
		if n > 1 {
			return cli.Exitf(cli.ExitUsage, "mutually exclusive arguments: --%s", strings.Join(group, " --"))
		}
	}
	return nil
}

// run unmounts each target in turn; the exit code adds up
// cli.ExitMountFailure for each that failed, to at most 255, as umount(8)
// does.
func run(o *Options) error {
	if o.Version {
		return cli.PrintVersion(o.IO.Out, "umount")
	}
	if err := o.validate(); err != nil {
		return err
	}
	var flags int
	if o.Lazy {
		flags |= unix.MNT_DETACH
	}
	if o.Force {
		flags |= unix.MNT_FORCE
	}
	code := 0
	all := func() {
		for _, t := range o.Targets {
			switch {
			case o.AllTargets:
				code += o.allTargets(t, flags)
			case o.Recursive:
				code += o.recursive(t, flags)
			default:
				code += o.one(t, flags)
			}
			if o.fatal {
				code = cli.ExitFailure
				return
			}
		}
	}
	if o.changed != nil && o.changed("namespace") {
		path := mountcmd.NamespacePath(o.Namespace)
		if err := namespaces.InMount(path, all); err != nil {
			return cli.Exitf(cli.ExitSysErr, "failed to set target namespace to %s: %s", path, cli.Strerror(err))
		}
	} else {
		all()
	}
	if code > 255 {
		code = 255
	}
	if code != 0 {
		return cli.Exit(code)
	}
	return nil
}

// warn prints one error line, "nstool umount: TARGET: message".
func (o *Options) warn(format string, args ...any) {
	fmt.Fprintf(o.IO.ErrOut, "nstool umount: "+format+"\n", args...)
}
