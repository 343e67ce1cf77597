// Package mount implements `nstool mount`.
package mount

import (
	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// NewCmd returns the `mount` command. (Placeholder until its issue lands.)
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "mount",
		Short: "Mount filesystems and change propagation, as util-linux mount",
		RunE: func(cmd *cobra.Command, args []string) error {
			return cli.Exitf(1, "not implemented yet")
		},
	}
}
