// Package root wires every nstool command under one cobra root and turns
// their errors into util-linux's one-line messages and exit codes.
package root

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/early"
	"github.com/nstool/nstool/cmd/nstool/internal/findmnt"
	"github.com/nstool/nstool/cmd/nstool/internal/graph"
	"github.com/nstool/nstool/cmd/nstool/internal/holders"
	"github.com/nstool/nstool/cmd/nstool/internal/lab"
	"github.com/nstool/nstool/cmd/nstool/internal/ls"
	"github.com/nstool/nstool/cmd/nstool/internal/mount"
	"github.com/nstool/nstool/cmd/nstool/internal/nsenter"
	"github.com/nstool/nstool/cmd/nstool/internal/nsexec"
	"github.com/nstool/nstool/cmd/nstool/internal/reach"
	"github.com/nstool/nstool/cmd/nstool/internal/umount"
	"github.com/nstool/nstool/cmd/nstool/internal/unshare"
	"github.com/nstool/nstool/cmd/nstool/internal/why"
)

// Version is set at build time: -ldflags "-X .../root.Version=v1.2.3".
var Version = "dev"

// Options are the root's own options, which every command takes.
type Options struct {
	IO        *cli.IOStreams
	ColorMode string // --color
}

// validate takes --color into the streams, or refuses it.
func (o *Options) validate() error {
	switch o.ColorMode {
	case "auto", "always", "never":
		o.IO.SetColorMode(o.ColorMode)
		return nil
	}
	return cli.Usagef(cli.ExitUsage, "unsupported color mode: %q (use auto, always or never)", o.ColorMode)
}

// NewCmd builds the root command with every subcommand attached. The root
// runs nothing itself: before a command runs, it validates its own options.
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "nstool",
		Short: "Learn and inspect Linux mount namespaces and mount propagation",
		Long: `nstool reproduces util-linux's findmnt, mount, umount, unshare and nsenter,
an lsns/cinf-style namespace lister, and guided labs that show mount
namespaces and propagation on the running kernel.

When standard output is a pipe, the util-linux commands print exactly what
util-linux prints; on a terminal they add colour.`,
		Example: `  nstool findmnt -o TARGET,PROPAGATION
  nstool unshare --mount --propagation=shared bash
  nstool ls mnt
  nstool lab start 03-peers`,
		Version:       Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return opts.validate()
		},
	}
	cmd.PersistentFlags().StringVar(&opts.ColorMode, "color", "auto", "colourize output: auto, always or never")
	cmd.SetVersionTemplate("nstool {{.Version}}\n")
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SetIn(ios.In)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &cli.UsageError{Code: cli.ExitUsage, Err: err}
	})
	cmd.DisableAutoGenTag = true

	cmd.AddCommand(
		findmnt.NewCmd(ios),
		mount.NewCmd(ios),
		umount.NewCmd(ios),
		unshare.NewCmd(ios),
		nsenter.NewCmd(ios),
		ls.NewCmd(ios),
		lab.NewCmd(ios),
		reach.NewCmd(ios, nil),
		holders.NewCmd(ios, nil),
		why.NewCmd(ios, nil),
		graph.NewCmd(ios, nil),
	)
	return cmd
}

// Main runs nstool with the process's arguments and returns the exit code.
func Main() int {
	ios := cli.System()
	if verb, err := early.Failure(); err != nil {
		// The early start made namespaces and then failed: say so as the
		// command would, from where it stopped.
		fmt.Fprintf(ios.ErrOut, "nstool %s: %v\n", verb, err)
		return cli.ExitCode(nsexec.Failure(err))
	}
	return Run(ios, NewCmd(ios), nil)
}

// Run executes root with args (nil: os.Args[1:]) and reports a failure as
// one line on stderr: "nstool VERB: what failed: why".
func Run(ios *cli.IOStreams, root *cobra.Command, args []string) int {
	if args != nil {
		root.SetArgs(args)
	}
	cmd, err := root.ExecuteC()
	if err == nil {
		return 0
	}
	var ee *cli.ExitError
	if errors.As(err, &ee) && ee.Err == nil {
		return ee.Code // the command has already said what it had to
	}
	name := "nstool"
	if cmd != nil {
		name = cmd.CommandPath()
	}
	fmt.Fprintf(ios.ErrOut, "%s: %v\n", name, err)
	// Commands report runtime failures as *cli.ExitError; everything else is
	// a usage mistake (a cli.UsageError, or cobra's own unknown-command and
	// argument-count errors), which util-linux follows with a pointer to --help.
	if !errors.As(err, &ee) {
		fmt.Fprintf(ios.ErrOut, "Try '%s --help' for more information.\n", name)
	}
	return cli.ExitCode(err)
}
