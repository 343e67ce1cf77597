package findmnt

import (
	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// compatEnv chooses which util-linux findmnt nstool's bytes follow where
// two versions print different things for the same command line:
//
//	(unset), 2.38  util-linux 2.38.1, the findmnt of Debian 12 and of the
//	               machines nstool's tests compare with
//	head           util-linux's development HEAD (2.41 and later), the
//	               version its own test suite (tests/ts/findmnt) expects
//
// Three things differ today. --output-all: 2.38.1 prints its 27 columns
// in its registry order (AVAIL first); HEAD puts TARGET first and adds
// INO.AVAIL, INO.TOTAL, INO.USED, INO.USE% and UNIQ-ID. --verify: HEAD
// warns (rather than errs) about a type that does not match the one on
// disk, checks kernel support only for an "auto" or absent type, and
// spells "operations" right. -n: HEAD's libsmartcols sizes columns to
// their data, without the headers it does not print. Options 2.38.1 lacks (--list-columns,
// --dfi, --hyperlink, ...) are HEAD's in both modes; nstool's own columns
// (PEER-GROUP, MASTER, PROPAGATE-FROM) are left out of --list-columns
// with head, as HEAD has no such columns.
const compatEnv = "NSTOOL_FINDMNT_COMPAT"

// readCompat sets o.head from the environment.
func (o *Options) readCompat() error {
	switch v := o.Getenv(compatEnv); v {
	case "", "2.38":
		o.head = false
	case "head":
		o.head = true
	default:
		return cli.Exitf(1, "%s: unknown value '%s' (2.38 or head)", compatEnv, v)
	}
	return nil
}

// outputAll is --output-all's columns: every column but --poll's (and
// nstool's own), in the compat version's order.
func (o *Options) outputAll() []*column {
	var cols []*column
	for _, c := range o.columnOrder() {
		if !c.tabdiff && !c.extra && (o.head || !c.newer) {
			cols = append(cols, c)
		}
	}
	return cols
}

// columnOrder is the column list in the order --output-all shows it:
// 2.38.1's registry order, or HEAD's with TARGET first.
func (o *Options) columnOrder() []*column {
	if !o.head {
		return columns
	}
	return headColumns()
}

// headColumns is util-linux HEAD's columns in its order, then nstool's.
func headColumns() []*column {
	cols := registry.Named(headOrder...)
	for _, c := range columns {
		if c.extra {
			cols = append(cols, c)
		}
	}
	return cols
}
