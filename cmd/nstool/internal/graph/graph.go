// Package graph is `nstool graph`: the whole machine's propagation as a
// picture (Graphviz DOT, or SVG/PNG through Graphviz's dot).
package graph

import (
	"bytes"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/crossview"
	"github.com/nstool/nstool/cmd/nstool/internal/dotgraph"
	"github.com/nstool/nstool/nsutil/crossns"
)

// Options are the parsed command line of `nstool graph`.
type Options struct {
	IO     *cli.IOStreams
	Dir    string // mounts at or below it
	All    bool   // private mounts too
	Format string // dot, svg, png
}

// NewCmd returns the `graph` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command { return newCmd(ios, run) }

// newCmd builds the command with runF as its action (tests pass their own).
func newCmd(ios *cli.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "graph [DIR]",
		Short: "Draw every mount namespace's propagation: namespaces, mounts, peer groups, masters",
		Long: `Draw the mounts at or below DIR (default /) in every mount namespace of the
machine: each namespace a cluster, each mount a box, each peer group
(shared:N) an ellipse joined to its members, and an arrow from a group to
each of its slaves (master:N). Private mounts are left out unless --all.

--format dot (the default) writes Graphviz's DOT text; svg and png run
Graphviz's dot, where it is installed.`,
		Example: `  nstool graph /lab --format svg > lab.svg
  nstool graph | dot -Tpng > machine.png`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "/"
			if len(args) == 1 {
				if args[0] == "" || !filepath.IsAbs(args[0]) {
					return cli.Exitf(1, "%q: the directory must be an absolute path", args[0])
				}
				opts.Dir = filepath.Clean(args[0])
			}
			if err := dotgraph.ValidFormat(opts.Format, false); err != nil {
				return err
			}
			return runF(opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.All, "all", "a", false, "private mounts too")
	cmd.Flags().StringVar(&opts.Format, "format", "dot", "output `FORMAT`: dot, svg or png")
	return cmd
}

func run(o *Options) error {
	return crossview.Read(o.IO, "graph", func(m *crossns.Machine) error {
		var b bytes.Buffer
		if err := dotgraph.Write(&b, m.Graph(crossns.Under(o.Dir, !o.All)), nil); err != nil {
			return err
		}
		return dotgraph.Output(o.IO, b.Bytes(), o.Format)
	})
}
