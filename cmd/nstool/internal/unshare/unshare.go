// Package unshare implements `nstool unshare`.
package unshare

import (
	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// NewCmd returns the `unshare` command. (Placeholder until its issue lands.)
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "unshare",
		Short: "Run a program in new namespaces, as util-linux unshare",
		RunE: func(cmd *cobra.Command, args []string) error {
			return cli.Exitf(1, "not implemented yet")
		},
	}
}
