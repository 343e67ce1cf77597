// Package ls implements `nstool ls`.
package ls

import (
	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// NewCmd returns the `ls` command. (Placeholder until its issue lands.)
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "ls",
		Short: "List namespaces (lsns and cinf in one)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return cli.Exitf(1, "not implemented yet")
		},
	}
}
