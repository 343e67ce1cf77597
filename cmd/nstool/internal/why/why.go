// Package why is `nstool why`: the chain of propagation links between the
// mount at a path and what another mount namespace has there, or the first
// link that is missing, with the rule and what would change it.
package why

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/crossview"
	"github.com/nstool/nstool/nsutil/crossns"
)

// Options are the parsed command line of `nstool why`.
type Options struct {
	IO     *cli.IOStreams
	PID    int    // -N: the source namespace is this process's (0: the caller's)
	Path   string // in the source namespace
	Target string // a PID or an nsfs file
}

// NewCmd returns the `why` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command { return newCmd(ios, run) }

// newCmd builds the command with runF as its action (tests pass their own).
func newCmd(ios *cli.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios}
	var pid crossview.TargetPID
	cmd := &cobra.Command{
		Use:   "why [-N PID] PATH NS_TARGET",
		Short: "Why a mount at PATH does or does not reach another namespace",
		Long: `Explain, link by link, how a mount made at PATH in the source namespace
(the caller's, or with -N that of process PID) reaches the mount namespace
NS_TARGET (a PID, or an nsfs file such as /proc/PID/ns/mnt or a bind mount
of one): peer of, slave of, slave of a slave... Or, when it does not, the
first link that is missing, the kernel's rule that decides it
(sharedsubtree.rst) and the command that would change it.`,
		Example: `  nstool why /lab/shared 4242        # does my mount reach process 4242's namespace?
  nstool why -N 4242 /data 1         # does a mount made in 4242 reach the host?
  nstool why /mnt /run/netns-holder/mnt`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path, opts.Target = args[0], args[1]
			var err error
			if opts.PID, err = pid.PID(cmd.Flags()); err != nil {
				return err
			}
			if opts.Path == "" || opts.Target == "" {
				return cli.Exitf(1, "no path or target namespace specified")
			}
			return runF(opts)
		},
	}
	pid.Register(cmd.Flags())
	return cmd
}

func run(o *Options) error {
	srcFile, root := crossview.Source(o.PID, "")
	srcIno, err := crossview.NSInode(srcFile, o.PID)
	if err != nil {
		return err
	}
	dstFile, dstPID := o.Target, 0
	if n, err := strconv.Atoi(o.Target); err == nil && n > 0 {
		// A PID that is gone is said as -N says it.
		dstFile, dstPID = fmt.Sprintf("/proc/%d/ns/mnt", n), n
	}
	dstIno, err := crossview.NSInode(dstFile, dstPID)
	if err != nil {
		return err
	}
	// As reach reads it: a symbolic link followed (the mount a lookup
	// ends on is the link's target's), a relative path from here.
	path, err := crossview.Resolve(o.Path, root, srcFile)
	if err != nil {
		return err
	}
	return crossview.Read(o.IO, "why", func(m *crossns.Machine) error {
		src, dst := crossview.Index(m, srcIno), crossview.Index(m, dstIno)
		if src < 0 || dst < 0 {
			return cli.Exitf(1, "cannot read the mount table of mnt:[%d] (need root)", map[bool]uint64{true: srcIno, false: dstIno}[src < 0])
		}
		c, err := m.Why(src, path, dst)
		if errors.Is(err, crossns.ErrNotMountPoint) || err != nil {
			return cli.Exitf(1, "%s: %v", path, err)
		}
		lines := []string{fmt.Sprintf("%s in mnt:[%d] → mnt:[%d]%s", path, srcIno, dstIno, about(m.Namespaces[dst]))}
		for _, l := range c.Links {
			lines = append(lines, "  "+l)
		}
		if c.Receives {
			lines = append(lines, "receives: yes, at "+strings.Join(c.At, ", "))
		} else {
			lines = append(lines, "receives: no: "+c.Break)
		}
		lines = append(lines, "rule: "+c.Rule)
		if c.Fix != "" {
			lines = append(lines, "fix: "+c.Fix)
		}
		// Each line wraps on its own at the terminal's width, under its label.
		for _, l := range lines {
			fmt.Fprintln(o.IO.Out, cli.Wrap(l, o.IO.TerminalWidth()))
		}
		return nil
	})
}

// about names a namespace's processes and owner: " (pid 42, docker 0123456789ab)".
func about(ns *crossns.Namespace) string {
	var parts []string
	if len(ns.PIDs) > 0 {
		parts = append(parts, "pid "+crossns.PIDText(ns))
	} else if len(ns.Holders) > 0 {
		parts = append(parts, "held by "+ns.Holders[0])
	}
	if ns.Owner != "" {
		parts = append(parts, ns.Owner)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
