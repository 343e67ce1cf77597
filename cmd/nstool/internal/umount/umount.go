// Package umount implements `nstool umount`: util-linux umount(8) for one
// or more targets (mount points or sources), lazy (-l), forced (-f),
// recursive (-R), every mount of a filesystem (-A), in another mount
// namespace (-N), with --explain showing each umount2(2) call and what
// propagation took along.
package umount

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// Options is what the command line asked for.
type Options struct {
	IO         *cli.IOStreams
	Lazy       bool
	Force      bool
	Recursive  bool
	AllTargets bool // -A: every mount of the filesystem in the namespace
	DetachLoop bool // -d: free the loop device afterwards
	ReadOnly   bool // -r: remount read-only when busy
	Fake       bool // --fake: no umount2(2)
	Verbose    bool
	Quiet      bool
	Explain    bool
	NoCanon    bool
	Version    bool
	Types      string // -t: accepted, as 2.38.1 does without -a (it filters nothing)
	TestOpts   string // -O: the same
	Namespace  string // -N: a PID or an nsfs file of a mount namespace
	Targets    []string
	changed    func(name string) bool
	fatal      bool // a user's umount met a path that does not resolve: stop, exit 1
	// Restricted: a user's umount(8) (setuid) that keeps its privileges
	// and checks each argument itself (restricted.go): every option is
	// one of "hdilqVv" or -c, which it then ignores. Any other option
	// makes it drop them and go on as root's umount does, the kernel
	// refusing each umount2(2) (EPERM) or a path it cannot find.
	Restricted bool
}

// restrictedFlags are the options a user's umount(8) takes without
// dropping its setuid privileges (-c among them: it is ignored), and
// nstool's --explain, which changes nothing.
var restrictedFlags = map[string]bool{"help": true, "detach-loop": true, "internal-only": true, "lazy": true,
	"quiet": true, "version": true, "verbose": true, "no-canonicalize": true, "explain": true}

// NewCmd returns the `umount` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	return newCmd(ios, run)
}

// newCmd builds the command with runF as its action (tests pass their own).
func newCmd(ios *cli.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "umount [options] <source> | <directory>...",
		Short: "Unmount filesystems, as util-linux umount",
		Long: `Unmount the mount at each argument, as util-linux umount(8) 2.38.1 does:
the same umount2(2) calls, messages and exit codes (32 for each argument
that fails). An argument is a mount point, or the source of a mount as
the mount table shows it (` + "`umount cc`" + ` for a tmpfs mounted with the name
cc: the last mounted one).

  -l/--lazy detaches now and cleans up when the mount is no longer busy
  (MNT_DETACH); -f/--force asks the filesystem to abort pending requests
  (MNT_FORCE); -R/--recursive unmounts every mount under TARGET first,
  deepest first (a mount stacked on TARGET first, then each submount in the
  order they were mounted), then TARGET; -A/--all-targets unmounts every
  mount of the same filesystem (device) in the namespace, the last mounted
  first; -r/--read-only remounts a busy filesystem read-only instead;
  -d/--detach-loop frees the loop device afterwards; -N/--namespace
  unmounts in the mount namespace of a PID or an nsfs file (paths are then
  that namespace's, relative ones from its root).

If TARGET's parent mount is shared, the kernel also unmounts the copies of
the mount that propagation made on the parent's peers and slaves;
--explain prints each call and every mount that went away.

As util-linux, an absolute path to a directory is unmounted as typed,
without a look at the mount table (unless -l, -f, -c or -d): -v then
says "DIR unmounted", and -r cannot remount it read-only.

Where nstool differs, on purpose (docs/umount.md): no -a, since unmounting
the whole table on a typo is no lesson; no umount.TYPE helpers (-i is
always so) and no /run/mount/utab, since nstool teaches what the kernel
calls do; -V prints "umount from nstool VERSION", since a script that
reads the version must not be told it runs util-linux; as non-root,
"must be superuser to unmount." is followed by a hint a person can act on.`,
		Example: `  nstool umount /lab/b
  nstool umount cc                 # the mount whose source is cc
  nstool umount --explain /lab/a/sub
  nstool umount -R /lab
  nstool umount -A /lab/a          # every bind of the filesystem at /lab/a
  nstool umount -N 1234 /mnt       # in the mount namespace of PID 1234
  nstool umount -l /lab/busy`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Targets = args
			opts.changed = cmd.Flags().Changed
			opts.Restricted = os.Geteuid() != 0
			cmd.Flags().Visit(func(f *pflag.Flag) {
				opts.Restricted = opts.Restricted && restrictedFlags[f.Name]
			})
			if opts.Restricted {
				opts.NoCanon = false // -c: ignored by a restricted umount(8)
			}
			return runF(opts)
		},
	}
	cmd.SetFlagErrorFunc(cli.GetoptError)
	// util-linux 2.38's optstring and longopts, as umount reads them.
	cli.UseGetopt(cmd, "acdfhilnqrt:vAN:O:RV", "all all-targets detach-loop fake force help internal-only lazy "+
		"no-canonicalize no-mtab quiet read-only recursive test-opts types verbose version namespace")
	f := cmd.Flags()
	f.SortFlags = false
	f.BoolVarP(&opts.AllTargets, "all-targets", "A", false, "unmount all mountpoints for the given device in the current namespace")
	f.BoolVarP(&opts.NoCanon, "no-canonicalize", "c", false, "don't canonicalize paths")
	f.BoolVarP(&opts.DetachLoop, "detach-loop", "d", false, "if mounted loop device, also free this loop device")
	f.BoolVar(&opts.Fake, "fake", false, "dry run; skip the umount(2) syscall")
	f.BoolVarP(&opts.Force, "force", "f", false, "force unmount (in case of an unreachable NFS system)")
	f.BoolP("internal-only", "i", false, "don't call the umount.<type> helpers (nstool never does)")
	f.BoolP("no-mtab", "n", false, "accepted for compatibility (there is no /etc/mtab to write)")
	f.BoolVarP(&opts.Lazy, "lazy", "l", false, "detach the filesystem now, clean up things later")
	f.StringVarP(&opts.TestOpts, "test-opts", "O", "", "limit the set of filesystems (use with -a, which nstool has not: accepted)")
	f.BoolVarP(&opts.Recursive, "recursive", "R", false, "recursively unmount a target with all its children")
	f.BoolVarP(&opts.ReadOnly, "read-only", "r", false, "in case unmounting fails, try to remount read-only")
	f.StringVarP(&opts.Types, "types", "t", "", "limit the set of filesystem types (as util-linux, only with -a: accepted)")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "say what is being done")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "suppress 'not mounted' error messages")
	f.StringVarP(&opts.Namespace, "namespace", "N", "", "perform umount in another namespace (a PID or an nsfs file)")
	f.BoolVar(&opts.Explain, "explain", false, "print each umount2(2) call and the mounts that went away on stderr")
	f.BoolVarP(&opts.Version, "version", "V", false, "display version")
	return cmd
}
