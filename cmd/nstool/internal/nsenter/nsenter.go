// Package nsenter implements `nstool nsenter`.
package nsenter

import (
	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// NewCmd returns the `nsenter` command. (Placeholder until its issue lands.)
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "nsenter",
		Short: "Run a program in the namespaces of another process, as util-linux nsenter",
		RunE: func(cmd *cobra.Command, args []string) error {
			return cli.Exitf(1, "not implemented yet")
		},
	}
}
