// Package holders is `nstool holders`: every mount namespace where a
// filesystem is mounted, with who owns it, how the copy got there and the
// command line that unmounts it: the answer to "umount: target is busy"
// and to a device that will not go away although nothing shows it.
package holders

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/crossview"
	"github.com/nstool/nstool/cmd/nstool/internal/scols"
	"github.com/nstool/nstool/nsutil/crossns"
	"github.com/nstool/nstool/nsutil/mountinfo"
)

// Options are the parsed command line of `nstool holders`.
type Options struct {
	IO         *cli.IOStreams
	What       string // PATH, MAJ:MIN or SOURCE
	JSON       bool
	Raw        bool
	NoHeadings bool
}

// NewCmd returns the `holders` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command { return newCmd(ios, run) }

// newCmd builds the command with runF as its action (tests pass their own).
func newCmd(ios *cli.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "holders PATH|MAJ:MIN|SOURCE",
		Short: "Every mount namespace that holds a filesystem, and how to free it",
		Long: `List every mount of a filesystem in every mount namespace of the machine:
those of processes, and those that only an nsfs bind mount or an open file
keeps alive, where no findmnt run in your shell can see them. Each line
says who owns the namespace (from its processes' cgroups: docker,
kubernetes, podman, systemd...), how the copy relates to yours (peer,
slave, private copy) and a command line that unmounts it.

The filesystem is the one on a block device node (/dev/loop0, /dev/sdb1:
the device it names, as a mount of it shows MAJ:MIN), the one mounted at
PATH (the mount a lookup of PATH ends on), the device MAJ:MIN, or the
mounts whose source is SOURCE (a tmpfs's name, a source that no longer
exists as a file).`,
		Example: `  nstool holders /mnt/usb            # who still has it: "target is busy"
  nstool holders 8:17                # by device number
  nstool holders /dev/sdb1           # by device node
  nstool holders -J /data | jq -r '.holders[].free'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.What = args[0]
			if opts.What == "" {
				return cli.Exitf(1, "no path, device or source specified")
			}
			return runF(opts)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.JSON, "json", "J", false, "use JSON output format")
	f.BoolVarP(&opts.Raw, "raw", "r", false, "use raw output format")
	f.BoolVarP(&opts.NoHeadings, "noheadings", "n", false, "don't print headings")
	return cmd
}

func run(o *Options) error {
	return crossview.Read(o.IO, "holders", func(m *crossns.Machine) error {
		major, minor, ref, err := identify(m, o.What)
		if err != nil {
			return err
		}
		list := m.Holders(major, minor, ref)
		if len(list) == 0 {
			// A device number nothing mounts, said as a source nothing mounts
			// is, rather than an empty table and success.
			return cli.Exitf(1, "%s: mounted in no mount namespace", o.What)
		}
		if o.JSON {
			return writeJSON(o.IO.Out, major, minor, list)
		}
		return writeTable(o, list)
	})
}

// identify finds the filesystem: the device MAJ:MIN, the one mounted at a
// path that exists, or the source of a mount in some namespace.
func identify(m *crossns.Machine, what string) (major, minor uint32, ref *mountinfo.Mount, err error) {
	if maj, min, ok := strings.Cut(what, ":"); ok {
		major, err1 := strconv.ParseUint(maj, 10, 32)
		minor, err2 := strconv.ParseUint(min, 10, 32)
		if err1 == nil && err2 == nil {
			return uint32(major), uint32(minor), nil, nil
		}
	}
	if fi, statErr := os.Stat(what); statErr == nil {
		// A block device node (/dev/loop0, /dev/sdb1) names the filesystem
		// on it, by the device number a mount of it has (mountinfo's
		// MAJ:MIN), not the mount of /dev the node lives on.
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && fi.Mode()&os.ModeDevice != 0 && fi.Mode()&os.ModeCharDevice == 0 {
			return unix.Major(st.Rdev), unix.Minor(st.Rdev), nil, nil
		}
		path, err := filepath.Abs(what)
		if err == nil {
			path, err = filepath.EvalSymlinks(path)
		}
		if err != nil {
			return 0, 0, nil, cli.Exitf(1, "%s: %s", what, cli.Strerror(err))
		}
		own, err := crossview.NSInode("/proc/self/ns/mnt", 0)
		if err != nil {
			return 0, 0, nil, err
		}
		if i := crossview.Index(m, own); i >= 0 {
			if mt, ok := m.Namespaces[i].Lookup(path); ok {
				return mt.Major, mt.Minor, mt, nil
			}
		}
		return 0, 0, nil, cli.Exitf(1, "%s: this mount namespace's table cannot be read", what)
	}
	for _, ns := range m.Namespaces {
		for i := range ns.Mounts {
			if ns.Mounts[i].Source == what {
				return ns.Mounts[i].Major, ns.Mounts[i].Minor, nil, nil
			}
		}
	}
	return 0, 0, nil, cli.Exitf(1, "%s: no such path, device number or mount source", what)
}

type jsonDoc struct {
	Filesystem jsonFS        `json:"filesystem"`
	Holders    []jsonHolding `json:"holders"`
}

type jsonFS struct {
	Device string `json:"device"`
	Source string `json:"source"`
	FSType string `json:"fstype"`
}

type jsonHolding struct {
	crossview.JSONNamespace
	Target string `json:"target"`
	Root   string `json:"root"`
	How    string `json:"how"`
	Free   string `json:"free"`
}

func writeJSON(w io.Writer, major, minor uint32, list []crossns.Holding) error {
	doc := jsonDoc{Filesystem: jsonFS{Device: fmt.Sprintf("%d:%d", major, minor)}, Holders: []jsonHolding{}}
	for _, h := range list {
		if doc.Filesystem.FSType == "" {
			doc.Filesystem.Source, doc.Filesystem.FSType = h.Mount.Source, h.Mount.FSType
		}
		j := jsonHolding{JSONNamespace: crossview.NamespaceJSON(h.NS), Target: h.Mount.Target,
			Root: h.Mount.Root, How: h.How, Free: h.Free}
		doc.Holders = append(doc.Holders, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "   ")
	return enc.Encode(doc)
}

func writeTable(o *Options, list []crossns.Holding) error {
	cols := append(crossview.NamespaceColumns[:3:3],
		crossview.Column{Name: "TARGET", Whint: 0.25, Flags: scols.NoExtremes}, crossview.Column{Name: "ROOT", Whint: 0.1, Flags: scols.Trunc},
		crossview.Column{Name: "HOW", Whint: 0.15}, crossview.Column{Name: "FREE", Whint: 0.3})
	var rows []crossview.Row
	for _, h := range list {
		rows = append(rows, crossview.Row{Cells: append(crossview.NamespaceCells(h.NS), h.Mount.Target, h.Mount.Root, h.How), Note: h.Free})
	}
	return crossview.PrintTable(o.IO, "holders", o.Raw, o.NoHeadings, cols, "free", rows)
}
