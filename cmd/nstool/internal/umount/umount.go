// Package umount implements `nstool umount`: util-linux umount(8) for one
// or more targets, lazy (-l), forced (-f) and recursive (-R), with
// --explain showing each umount2(2) call and what propagation took along.
package umount

import (
	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// Options is what the command line asked for.
type Options struct {
	IO        *cli.IOStreams
	Lazy      bool
	Force     bool
	Recursive bool
	Verbose   bool
	Quiet     bool
	Explain   bool
	NoCanon   bool
	Targets   []string
}

// NewCmd returns the `umount` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	return newCmd(ios, run)
}

// newCmd builds the command with runF as its action (tests pass their own).
func newCmd(ios *cli.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "umount [options] TARGET...",
		Short: "Unmount filesystems, as util-linux umount",
		Long: `Unmount the mount at each TARGET, as util-linux umount(8) does: the same
umount2(2) calls, messages and exit codes (32 for each target that fails).

  -l/--lazy detaches now and cleans up when the mount is no longer busy
  (MNT_DETACH); -f/--force asks the filesystem to abort pending requests
  (MNT_FORCE); -R/--recursive unmounts every mount under TARGET first,
  deepest first (a mount stacked on TARGET first, then each submount in the
  order they were mounted), then TARGET.

If TARGET's parent mount is shared, the kernel also unmounts the copies of
the mount that propagation made on the parent's peers and slaves;
--explain prints each call and every mount that went away.

nstool never reads /etc/fstab.`,
		Example: `  nstool umount /lab/b
  nstool umount --explain /lab/a/sub
  nstool umount -R /lab
  nstool umount -l /lab/busy`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Targets = args
			return runF(opts)
		},
	}
	cmd.SetFlagErrorFunc(cli.GetoptError)
	f := cmd.Flags()
	f.SortFlags = false
	f.BoolVarP(&opts.Lazy, "lazy", "l", false, "detach the filesystem now, clean up things later")
	f.BoolVarP(&opts.Force, "force", "f", false, "force unmount (in case of an unreachable NFS system)")
	f.BoolVarP(&opts.Recursive, "recursive", "R", false, "recursively unmount a target with all its children")
	f.BoolVar(&opts.Explain, "explain", false, "print each umount2(2) call and the mounts that went away on stderr")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "say what is being done")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "suppress 'not mounted' error messages")
	f.BoolVarP(&opts.NoCanon, "no-canonicalize", "c", false, "don't canonicalize paths")
	f.BoolP("no-mtab", "n", false, "accepted for compatibility (there is no /etc/mtab to write)")
	return cmd
}
