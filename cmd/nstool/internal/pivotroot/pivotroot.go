// Package pivotroot implements `nstool pivot_root`: util-linux
// pivot_root(8), with --explain showing the pivot_root(2) call and, when it
// fails, which of the kernel's conditions failed and the usual fix.
package pivotroot

import (
	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// Options is what the command line asked for.
type Options struct {
	IO      *cli.IOStreams
	Explain bool
	NewRoot string
	PutOld  string
}

// NewCmd returns the `pivot_root` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command { return newCmd(ios, run) }

// newCmd builds the command with runF as its action (tests pass their own).
// The command line is read as getopt_long reads pivot_root(8)'s (args.go):
// cobra's flag parsing is off, the flags below are there for help and docs.
func newCmd(ios *cli.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "pivot_root [options] NEW_ROOT PUT_OLD",
		Short: "Change the root mount, as util-linux pivot_root",
		Long: `Make NEW_ROOT's mount the root mount of the calling process's mount
namespace and move the old root mount to PUT_OLD, as util-linux
pivot_root(8) does with pivot_root(2): the same messages and exit codes (1
on failure). Every process in the namespace whose root or working
directory was the old root gets NEW_ROOT instead.

The kernel requires (pivot_root(2)): NEW_ROOT a mount point other than the
root's own mount (mount --bind NEW_ROOT NEW_ROOT makes one), PUT_OLD at or
under NEW_ROOT, the current root a mount point (not a chroot), and neither
NEW_ROOT's parent mount, the current root's parent mount nor the mount
PUT_OLD lies on shared (mount --make-rprivate /). --explain prints the call
as strace shows it and, when it fails, each condition that does not hold,
in the order the kernel checks them, with the usual fix.

As pivot_root(8) counts them, "--" is one of the two arguments.`,
		Example: `  mount --bind /srv/root /srv/root && mkdir -p /srv/root/old
  nstool pivot_root /srv/root /srv/root/old
  nstool pivot_root --explain . old      # why EINVAL?`,
		DisableFlagParsing:    true,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			words, act, err := parseArgs(args, opts)
			switch {
			case err != nil:
				return err
			case act == actHelp:
				return cmd.Help()
			case act == actVersion:
				_, err := cmd.OutOrStdout().Write([]byte("pivot_root from nstool " + cmd.Root().Version + "\n"))
				return err
			case len(words) != 2:
				return cli.Usagef(cli.ExitUsage, "bad usage")
			}
			opts.NewRoot, opts.PutOld = words[0], words[1]
			return runF(opts)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	f.Bool("explain", false, "print the pivot_root(2) call and, on failure, the kernel's conditions that failed, on stderr")
	f.BoolP("version", "V", false, "display version")
	return cmd
}
