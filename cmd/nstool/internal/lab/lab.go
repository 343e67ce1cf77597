// Package lab implements `nstool lab`: guided labs on mount namespaces and
// propagation, each in a sandbox that leaves nothing behind. The engine is
// package labs; this package is its command line.
package lab

import (
	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// NewCmd returns the `lab` command with its subcommands.
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lab",
		Short: "Guided labs on mount namespaces and propagation",
		Long: `Guided labs: each runs in a sandbox (its own mount and PID namespaces, a
tmpfs work area /lab) where you type real commands and ` + "`nstool lab check`" + ` reads
the kernel's state to tell you whether the step is done. Nothing a lab does
reaches the host, and nothing stays behind when it ends, even after kill -9.
Without root, the sandbox is made in a user namespace.

Progress is kept in $XDG_STATE_HOME/nstool/progress.json (~/.local/state).
NSTOOL_LABS_DIR=DIR adds the labs in DIR (NN-name/README.md and lab.txt, see
docs/labs.md) to the built-in ones, to try a new lab without rebuilding.`,
		Example: `  nstool lab list
  nstool lab start 04-types        # a shell in the sandbox; follow the steps
  nstool lab check                 # (inside) is this step done?
  nstool lab hint                  # (inside) a hint; ask again for a closer one
  nstool lab shell container       # (second terminal) into the lab's container (lab 05)
  nstool lab verify                # run every lab's reference solution`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		newListCmd(ios), newShowCmd(ios), newStartCmd(ios), newCheckCmd(ios), newHintCmd(ios),
		newAnswerCmd(ios), newShellCmd(ios), newResetCmd(ios), newVerifyCmd(ios), newDemoCmd(ios),
		newActorCmd(ios),
		newRootfsCmd(ios),
	)
	cmd.AddCommand(internalCmds(ios)...)
	return cmd
}
