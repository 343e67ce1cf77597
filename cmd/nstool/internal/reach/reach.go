// Package reach is `nstool reach`: for a mount or an unmount made at a
// path, every mount namespace of the machine, whether the event reaches it,
// where, how, and why not.
package reach

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/crossview"
	"github.com/nstool/nstool/cmd/nstool/internal/dotgraph"
	"github.com/nstool/nstool/nsutil/crossns"
)

// Options are the parsed command line of `nstool reach`.
type Options struct {
	IO         *cli.IOStreams
	PID        int    // -N: the source namespace is this process's (0: the caller's)
	NSFile     string // --ns: the source namespace is this nsfs file's
	Umount     bool
	JSON       bool
	Raw        bool
	NoHeadings bool
	Format     string // table, dot, svg, png
	Path       string
}

// NewCmd returns the `reach` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command { return newCmd(ios, run) }

// newCmd builds the command with runF as its action (tests pass their own).
func newCmd(ios *cli.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios}
	var pid crossview.TargetPID
	cmd := &cobra.Command{
		Use:   "reach [-N PID | --ns FILE] [--umount] PATH",
		Short: "Which mount namespaces a mount (or unmount) at PATH reaches, and why",
		Long: `Predict, for a mount made at PATH in the source namespace (the caller's,
or with -N that of process PID, or with --ns that of an nsfs file), every
mount namespace of the machine: whether the mount reaches it, where (the
path there: a bind of a subdirectory sees it at another place), how (the
mount itself, a peer, a slave, a slave of a slave...) and, for a namespace
it does not reach, why not. With --umount, the same for unmounting the
mount at PATH.

Namespaces are found as ` + "`nstool ls mnt`" + ` finds them, and also when only an
open file descriptor holds them. Nothing is mounted: the prediction follows
the kernel's rules (sharedsubtree.rst) on the tables as they are, and the
tests check it against the kernel on generated scenarios.`,
		Example: `  nstool reach /lab/shared           # who sees a mount made there
  nstool reach -N 4242 /data         # made inside process 4242's namespace
  nstool reach --umount /mnt/usb     # who loses it when it is unmounted
  nstool reach -J /lab | jq '.namespaces[] | select(.receives | not) | .why'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			var err error
			if opts.PID, err = pid.PID(cmd.Flags()); err != nil {
				return err
			}
			if cmd.Flags().Changed("ns") && opts.NSFile == "" {
				// An empty argument is no file, not the caller's namespace.
				return cli.Exitf(1, "--ns: no namespace file specified")
			}
			if err := opts.validate(); err != nil {
				return err
			}
			return runF(opts)
		},
	}
	f := cmd.Flags()
	pid.Register(f)
	f.StringVar(&opts.NSFile, "ns", "", "the source namespace is that of this nsfs `FILE` (/proc/PID/ns/mnt, a bind of one)")
	f.BoolVar(&opts.Umount, "umount", false, "predict an unmount of the mount at PATH instead")
	f.BoolVarP(&opts.JSON, "json", "J", false, "use JSON output format")
	f.BoolVarP(&opts.Raw, "raw", "r", false, "use raw output format")
	f.BoolVarP(&opts.NoHeadings, "noheadings", "n", false, "don't print headings")
	f.StringVar(&opts.Format, "format", "table", "output `FORMAT`: table, or a picture: dot, svg, png (Graphviz)")
	return cmd
}

func (o *Options) validate() error {
	if o.PID != 0 && o.NSFile != "" {
		return cli.Exitf(1, "-N and --ns are mutually exclusive")
	}
	if o.Path == "" {
		return cli.Exitf(1, "no path specified")
	}
	return dotgraph.ValidFormat(o.Format, true)
}

func run(o *Options) error {
	file, root := crossview.Source(o.PID, o.NSFile)
	ino, err := crossview.NSInode(file, o.PID)
	if err != nil {
		return err
	}
	target, err := crossview.Resolve(o.Path, root, file)
	if err != nil {
		return err
	}
	return crossview.Read(o.IO, "reach", func(m *crossns.Machine) error {
		src := crossview.Index(m, ino)
		if src < 0 {
			return cli.Exitf(1, "%s: not a mount namespace that can be read (mnt:[%d])", file, ino)
		}
		pred, err := m.Reach(crossns.Event{Source: src, Path: target, Umount: o.Umount})
		if errors.Is(err, crossns.ErrNotMountPoint) {
			return cli.Exitf(1, "%s: not a mount point", target)
		}
		if err != nil {
			return cli.Exitf(1, "%s: %v", target, err)
		}
		if o.JSON {
			return writeJSON(o.IO.Out, target, pred)
		}
		if o.Format != "table" {
			return writePicture(o, m, pred)
		}
		return writeTable(o, pred)
	})
}
