package ls

import (
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

// lsnsRows drops, in the lsns-exact view, the namespaces that no process
// is in: 2.38.1 finds namespaces through processes only (2.39 adds those
// bound in its own mount table).
func (o *Options) lsnsRows(list []*nslist.Namespace) []*nslist.Namespace {
	if !o.List {
		return list
	}
	var out []*nslist.Namespace
	for _, ns := range list {
		if ns.NProcs() > 0 {
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
