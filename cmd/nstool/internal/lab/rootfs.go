package lab

import (
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil/rootfs"
)

// rootfsPrograms are what a lab's root holds: rootfs' defaults, and perl,
// whose builtin chroot(2) lets lab 09 leave a chroot as root may.
var rootfsPrograms = append(slices.Clone(rootfs.DefaultPrograms), "perl")

// newRootfsCmd is `nstool lab rootfs DIR`, for a lab's setup: a small
// container root made from the host's own files (nsutil/rootfs), nstool
// in it, and the list of what was put where (its manifest) on stdout.
func newRootfsCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:    "rootfs DIR",
		Short:  "Make a small container root in DIR from the host's files (for a lab's setup)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// A root is made in an empty folder: never into / or any tree
			// of the host's (/usr, /etc), whatever DIR is typed.
			if ents, err := os.ReadDir(args[0]); err != nil {
				return cli.Exitf(1, "%s: %s", args[0], cli.Strerror(err))
			} else if len(ents) > 0 {
				return cli.Exitf(1, "%s: not empty: a root is made in an empty folder", args[0])
			}
			exe, err := os.Executable()
			if err != nil {
				return cli.Exitf(1, "%v", err)
			}
			m, err := rootfs.Build(args[0], rootfs.Options{Programs: rootfsPrograms, Nstool: exe})
			if err != nil {
				return cli.Exitf(1, "%v", err)
			}
			fmt.Fprint(ios.Out, m.String())
			return nil
		},
	}
}
