package lab

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

func signalIgnore(sigs ...os.Signal) { signal.Ignore(sigs...) }

// internalCmds are the engine's own stages, run by nstool itself: hidden.
func internalCmds(ios *cli.IOStreams) []*cobra.Command {
	var noPause bool
	initCmd := &cobra.Command{
		Use: "__init MODE", Hidden: true, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			signalIgnore(sigsTerminal()...)
			return cli.Exit(labs.Init(args[0], noPause))
		},
	}
	initCmd.Flags().BoolVar(&noPause, "no-pause", false, "")
	var supNoPause bool
	supCmd := &cobra.Command{
		Use: "__supervise MODE", Hidden: true, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cli.Exit(labs.Supervise(labs.Mode(args[0]), supNoPause, ios.Out, ios.ErrOut))
		},
	}
	supCmd.Flags().BoolVar(&supNoPause, "no-pause", false, "")
	actorCmd := &cobra.Command{
		Use: "__actor NAME PROPAGATION", Hidden: true, Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cli.Exit(labs.ActorMain(args[0], args[1]))
		},
	}
	probeCmd := &cobra.Command{
		Use: "__probe umount|bind PID PATH", Hidden: true, Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			pid, err := strconv.Atoi(args[1])
			if err != nil {
				return cli.Exitf(1, "bad pid %q", args[1])
			}
			return cli.Exit(labs.ProbeMain(args[0], pid, args[2]))
		},
	}
	promptCmd := &cobra.Command{
		Use: "__prompt", Hidden: true, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprint(ios.Out, labs.Prompt())
			return nil
		},
	}
	var runNoPause bool
	runCmd := &cobra.Command{
		Use: "__run MODE", Hidden: true, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cli.Exit(labs.RunFromParent(labs.Mode(args[0]), runNoPause))
		},
	}
	runCmd.Flags().BoolVar(&runNoPause, "no-pause", false, "")
	return []*cobra.Command{runCmd, initCmd, supCmd, actorCmd, probeCmd, promptCmd}
}
