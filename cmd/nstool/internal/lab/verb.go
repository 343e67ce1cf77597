package lab

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

// outsideCmd is c, a verb that starts or ends sandboxes and whose
// arguments are lab IDs (completed as such): it refuses to run inside a
// sandbox, named by c's first word ("already inside a lab sandbox: `exit`
// first, then `nstool lab VERB`"), before c's RunE runs.
func outsideCmd(c *cobra.Command) *cobra.Command {
	run := c.RunE
	c.ValidArgsFunction = labIDs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if err := outsideOnly(cmd.Name()); err != nil {
			return err
		}
		return run(cmd, args)
	}
	return c
}

// sandboxCmd is c (its help and flags), a verb that runs lab ID in a
// fresh sandbox on the command's terminal in mode (start, demo): outside
// a sandbox only, as outsideCmd, the lab ID completed. prepare sets the run's options up for l,
// done reads what the sandbox returned. A setup that failed has said why
// itself, in one line and the setup's output (exit 1); any other error of
// the run is one line.
func sandboxCmd(ios *cli.IOStreams, mode labs.Mode, c *cobra.Command,
	prepare func(cmd *cobra.Command, l *labs.Lab, opts *labs.RunOptions) error,
	done func(l *labs.Lab, out labs.Outcome) error) *cobra.Command {
	c.Args, c.ValidArgsFunction = cobra.ExactArgs(1), labIDs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		l, err := labOutside(ios, cmd.Name(), args[0])
		if err != nil {
			return err
		}
		opts := runOptions(ios, l, mode)
		if err := prepare(cmd, l, &opts); err != nil {
			return err
		}
		out, err := labs.Run(opts)
		if errors.Is(err, labs.ErrSetupFailed) {
			return cli.Exit(1)
		}
		if err != nil {
			return cli.Exitf(1, "%v", err)
		}
		return done(l, out)
	}
	return c
}

// pidStageCmd is a hidden verb of the engine's stages (stages.go builds
// their command lines), use its usage line, taking n arguments of which
// the one at pidArg is a PID (stagePID).
func pidStageCmd(use string, n, pidArg int, run func(pid int, args []string) error) *cobra.Command {
	return &cobra.Command{
		Use: use, Hidden: true, Args: cobra.ExactArgs(n),
		RunE: func(cmd *cobra.Command, args []string) error {
			pid, err := stagePID(args[pidArg])
			if err != nil {
				return err
			}
			return run(pid, args)
		},
	}
}
