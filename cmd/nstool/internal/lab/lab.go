// Package lab implements `nstool lab`.
package lab

import (
	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// NewCmd returns the `lab` command. (Placeholder until its issue lands.)
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "lab",
		Short: "Guided labs on mount namespaces and propagation",
		RunE: func(cmd *cobra.Command, args []string) error {
			return cli.Exitf(1, "not implemented yet")
		},
	}
}
