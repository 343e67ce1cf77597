package ls

import (
	"errors"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/scols"
	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/nslist"
)

// The lsns-exact view is -l (lsns's own flag for a list): what lsns 2.38.1
// prints for the same command line. nstool's own views (no -l) keep cinf's
// columns, the namespaces only a bind mount holds and the note about what
// could not be read.

// lsnsColumns are lsns's default columns: for the namespace list, with
// NETNSID and NSFS when the network type was asked for (-t net, or net
// among several -t); for one namespace's processes.
func (o *Options) lsnsColumns(forProcesses bool) []string {
	if forProcesses {
		return []string{"PID", "PPID", "USER", "COMMAND"}
	}
	cols := []string{"NS", "TYPE", "NPROCS", "PID", "USER"}
	if o.typesGiven.Has(namespaces.Net) {
		cols = append(cols, "NETNSID", "NSFS")
	}
	return append(cols, "COMMAND")
}

// lsnsAllColumns are lsns's columns, in its order: --output-all in the
// lsns-exact view.
var lsnsAllColumns = []string{"NS", "TYPE", "PATH", "NPROCS", "PID", "PPID", "COMMAND", "UID", "USER", "NETNSID", "NSFS", "PNS", "ONS"}

// lsnsOutputSyntax is lsns's reading of -o (string_add_to_idarray): an
// empty name fails silently, the last name runs to the end of the list,
// and lsns's array holds twice its 13 columns.
var lsnsOutputSyntax = scols.ListSyntax{Slots: 2 * len(lsnsAllColumns)}

// columns are the columns to show, as lsns chooses them: --output-all
// (wherever it is given) replaces the defaults, then -o replaces those or,
// with "+", adds to them.
func (o *Options) columns(reg *scols.Registry[*column], defaults []string) ([]*column, error) {
	syntax := outputSyntax
	if o.List {
		// lsns's columns only: nstool's own (MOUNTS, USERS, ...) are
		// "unknown column" there, as in lsns.
		reg = &scols.Registry[*column]{Columns: reg.Named(lsnsAllColumns...), Name: reg.Name}
		syntax = lsnsOutputSyntax
	}
	cols, all := reg.Named(defaults...), reg.Columns
	if o.OutputAll {
		cols = all
	}
	if !o.changed("output") {
		return cols, nil
	}
	cols, err := reg.ParseList(cols, o.Output, syntax)
	var tooMany *scols.TooManyColumnsError
	switch {
	case o.List && (errors.Is(err, scols.ErrEmptyColumnName) || errors.As(err, &tooMany)):
		return nil, cli.Exit(1) // lsns says nothing
	case err != nil:
		return nil, cli.Exitf(1, "%v", err)
	case len(cols) == 0:
		return nil, cli.Exitf(1, "no columns in --output '%s'", o.Output)
	}
	return cols, nil
}

// lsnsRows drops, in the lsns-exact view, the namespaces that no process
// is in: 2.38.1 finds namespaces through processes only (2.39 adds those
// bound in its own mount table). It keeps a tree's relatives (owners and
// parents: lsns -T shows them with no processes).
func (o *Options) lsnsRows(list []*nslist.Namespace) []*nslist.Namespace {
	if !o.List {
		return list
	}
	var out []*nslist.Namespace
	for _, ns := range list {
		if ns.NProcs() > 0 || ns.Relative {
			out = append(out, ns)
		}
	}
	return out
}

// nsfsPaths is the NSFS column: in the lsns-exact view only bind mounts in
// the caller's own mount namespace, the only table lsns reads.
func (c *runCtx) nsfsPaths(ns *nslist.Namespace) []string {
	if c.opts.List && !ns.NSFSHere {
		return nil
	}
	return ns.NSFS
}
