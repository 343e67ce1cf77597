package findmnt

import (
	"strconv"
	"strings"

	"github.com/nstool/nstool/cmd/nstool/internal/scols"
	"github.com/nstool/nstool/nsutil/mountinfo"
)

// column is one entry of findmnt's column registry: it drives -o, the
// headings, the widths and alignment, JSON types, -Q filters and
// --list-columns.
type column struct {
	name  string
	whint float64
	flags scols.Flag
	help  string
	// kind is the value type: "string", "integer", or "size" (a number
	// with --bytes, else a human size string).
	kind string
	// extra columns are nstool's own: never part of --output-all, so that
	// its output stays util-linux's.
	extra bool
	// tabdiff columns only exist for --poll (poll.go fills them).
	tabdiff bool
	// newer columns came after util-linux 2.38: -o and -Q take them, but
	// --output-all shows them only as util-linux HEAD does (compat=head),
	// so that its default output stays 2.38.1's.
	newer bool
	get   func(c *runCtx, e *fsEntry) string
}

// columns is util-linux 2.38.1's column list (in its order: the order of
// --output-all), then the columns util-linux added later, then nstool's.
var columns = []*column{
	{name: "ACTION", whint: 10, flags: scols.StrictWidth, help: "action detected by --poll", kind: "string", tabdiff: true},
	{name: "AVAIL", whint: 5, flags: scols.Right, help: "filesystem size available", kind: "size", get: func(c *runCtx, e *fsEntry) string { return c.vfsAttr(e, "AVAIL") }},
	{name: "FREQ", whint: 1, flags: scols.Right, help: "dump(8) period in days [fstab only]", kind: "integer", get: func(c *runCtx, e *fsEntry) string {
		if e.Kernel {
			return ""
		}
		return strconv.Itoa(e.Freq)
	}},
	{name: "FSROOT", whint: 0.25, flags: scols.NoExtremes, help: "filesystem root", kind: "string", get: func(c *runCtx, e *fsEntry) string { return e.Root }},
	{name: "FSTYPE", whint: 0.10, flags: scols.Trunc, help: "filesystem type", kind: "string", get: func(c *runCtx, e *fsEntry) string { return e.FSType }},
	{name: "FS-OPTIONS", whint: 0.10, flags: scols.Trunc, help: "FS specific mount options", kind: "string", get: func(c *runCtx, e *fsEntry) string { return e.FSOptions }},
	{name: "ID", whint: 2, flags: scols.Right, help: "mount ID", kind: "integer", get: func(c *runCtx, e *fsEntry) string { return nonZero(e.ID) }},
	{name: "LABEL", whint: 0.10, help: "filesystem label", kind: "string", get: func(c *runCtx, e *fsEntry) string { return c.tag(e, "LABEL") }},
	{name: "MAJ:MIN", whint: 6, help: "major:minor device number", kind: "string", get: func(c *runCtx, e *fsEntry) string {
		if e.Major == 0 && e.Minor == 0 {
			return ""
		}
		if c.opts.Raw || c.opts.Pairs || c.opts.JSON {
			return strconv.FormatUint(uint64(e.Major), 10) + ":" + strconv.FormatUint(uint64(e.Minor), 10)
		}
		// util-linux aligns the colon for people: "%3u:%-3u"
		maj := strconv.FormatUint(uint64(e.Major), 10)
		min := strconv.FormatUint(uint64(e.Minor), 10)
		return strings.Repeat(" ", max(0, 3-len(maj))) + maj + ":" + min + strings.Repeat(" ", max(0, 3-len(min)))
	}},
	{name: "OLD-OPTIONS", whint: 0.10, flags: scols.Trunc, help: "old mount options saved by --poll", kind: "string", tabdiff: true},
	{name: "OLD-TARGET", whint: 0.30, help: "old mountpoint saved by --poll", kind: "string", tabdiff: true},
	{name: "OPTIONS", whint: 0.10, flags: scols.Trunc, help: "all mount options", kind: "string", get: func(c *runCtx, e *fsEntry) string { return e.Options }},
	{name: "OPT-FIELDS", whint: 0.10, flags: scols.Trunc, help: "optional mount fields", kind: "string", get: func(c *runCtx, e *fsEntry) string { return e.Optional }},
	{name: "PARENT", whint: 2, flags: scols.Right, help: "mount parent ID", kind: "integer", get: func(c *runCtx, e *fsEntry) string { return nonZero(e.Parent) }},
	{name: "PARTLABEL", whint: 0.10, help: "partition label", kind: "string", get: func(c *runCtx, e *fsEntry) string { return c.tag(e, "PARTLABEL") }},
	{name: "PARTUUID", whint: 36, help: "partition UUID", kind: "string", get: func(c *runCtx, e *fsEntry) string { return c.tag(e, "PARTUUID") }},
	{name: "PASSNO", whint: 1, flags: scols.Right, help: "pass number on parallel fsck(8) [fstab only]", kind: "integer", get: func(c *runCtx, e *fsEntry) string {
		if e.Kernel {
			return ""
		}
		return strconv.Itoa(e.Passno)
	}},
	{name: "PROPAGATION", whint: 0.10, help: "VFS propagation flags", kind: "string", get: func(c *runCtx, e *fsEntry) string { return propagation(e) }},
	{name: "SIZE", whint: 5, flags: scols.Right, help: "filesystem size", kind: "size", get: func(c *runCtx, e *fsEntry) string { return c.vfsAttr(e, "SIZE") }},
	{name: "SOURCE", whint: 0.25, flags: scols.NoExtremes, help: "source device", kind: "string", get: func(c *runCtx, e *fsEntry) string { return c.source(e) }},
	{name: "SOURCES", whint: 0.25, flags: scols.Wrap, help: "all possible source devices", kind: "string", get: func(c *runCtx, e *fsEntry) string { return c.sources(e) }},
	{name: "TARGET", whint: 0.30, flags: scols.Tree | scols.NoExtremes, help: "mountpoint", kind: "string", get: func(c *runCtx, e *fsEntry) string { return e.Target }},
	{name: "TID", whint: 4, flags: scols.Right, help: "task ID", kind: "integer", get: func(c *runCtx, e *fsEntry) string { return nonZero(e.TID) }},
	{name: "USED", whint: 5, flags: scols.Right, help: "filesystem size used", kind: "size", get: func(c *runCtx, e *fsEntry) string { return c.vfsAttr(e, "USED") }},
	{name: "USE%", whint: 3, flags: scols.Right, help: "filesystem use percentage", kind: "string", get: func(c *runCtx, e *fsEntry) string { return c.vfsAttr(e, "USE%") }},
	{name: "UUID", whint: 36, help: "filesystem UUID", kind: "string", get: func(c *runCtx, e *fsEntry) string { return c.tag(e, "UUID") }},
	{name: "VFS-OPTIONS", whint: 0.20, flags: scols.Trunc, help: "VFS specific mount options", kind: "string", get: func(c *runCtx, e *fsEntry) string {
		if c.opts.VFSAll {
			return allVFSOptions(e.Options)
		}
		return e.VFSOptions
	}},

	// util-linux 2.40 (-I/--dfi's inode counts) and 2.41 (UNIQ-ID).
	{name: "INO.AVAIL", whint: 5, flags: scols.Right, newer: true, help: "number of available inodes", kind: "string", get: func(c *runCtx, e *fsEntry) string { return c.vfsAttr(e, "INO.AVAIL") }},
	{name: "INO.TOTAL", whint: 5, flags: scols.Right, newer: true, help: "total number of inodes", kind: "string", get: func(c *runCtx, e *fsEntry) string { return c.vfsAttr(e, "INO.TOTAL") }},
	{name: "INO.USED", whint: 5, flags: scols.Right, newer: true, help: "number of used inodes", kind: "string", get: func(c *runCtx, e *fsEntry) string { return c.vfsAttr(e, "INO.USED") }},
	{name: "INO.USE%", whint: 3, flags: scols.Right, newer: true, help: "percentage of INO.USED divided by INO.TOTAL", kind: "string", get: func(c *runCtx, e *fsEntry) string { return c.vfsAttr(e, "INO.USE%") }},
	// The kernel's 64-bit mount ID comes from statmount(2)
	// (--kernel=listmount); a mountinfo line has none, and the cell is
	// empty then, as in util-linux.
	{name: "UNIQ-ID", whint: 10, flags: scols.Right, newer: true, help: "mount 64-bit ID (requires --kernel=listmount)", kind: "integer", get: func(c *runCtx, e *fsEntry) string {
		if e.UniqID == 0 {
			return ""
		}
		return strconv.FormatUint(e.UniqID, 10)
	}},

	// nstool's own: findmnt's PROPAGATION says "shared" but not with whom.
	{name: "PEER-GROUP", whint: 2, flags: scols.Right, extra: true, help: "peer group ID (N of shared:N)", kind: "integer", get: func(c *runCtx, e *fsEntry) string { return mountinfo.OptionalValue(e.Optional, "shared") }},
	{name: "MASTER", whint: 2, flags: scols.Right, extra: true, help: "peer group this mount is a slave of (N of master:N)", kind: "integer", get: func(c *runCtx, e *fsEntry) string { return mountinfo.OptionalValue(e.Optional, "master") }},
	{name: "PROPAGATE-FROM", whint: 2, flags: scols.Right, extra: true, help: "nearest dominant peer group visible here (N of propagate_from:N)", kind: "integer", get: func(c *runCtx, e *fsEntry) string { return mountinfo.OptionalValue(e.Optional, "propagate_from") }},
}

func nonZero(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// propagation is the PROPAGATION column (kernel tables only): "shared" or
// "private", then ",slave" and ",unbindable" (mount_namespaces(7)).
func propagation(e *fsEntry) string {
	if !e.Kernel {
		return ""
	}
	return e.flags().String()
}

// headOrder is util-linux HEAD's column order (TARGET first, "to make
// --output-all readable"), which its --list-columns and --output-all use.
var headOrder = []string{
	"TARGET", "ACTION", "AVAIL", "FREQ", "FSROOT", "FSTYPE", "FS-OPTIONS", "ID",
	"INO.AVAIL", "INO.TOTAL", "INO.USED", "INO.USE%", "LABEL", "MAJ:MIN", "OLD-OPTIONS", "OLD-TARGET",
	"OPTIONS", "OPT-FIELDS", "PARENT", "PARTLABEL", "PARTUUID", "PASSNO", "PROPAGATION", "SIZE",
	"SOURCE", "SOURCES", "TID", "UNIQ-ID", "USED", "USE%", "UUID", "VFS-OPTIONS",
}

// registry is the column list as -o, -Q and the defaults look it up.
var registry = scols.Registry[*column]{Columns: columns, Name: func(c *column) string { return c.name }}

// outputSyntax is findmnt's -o: util-linux's, in an array of twice as
// many slots as the compat version has columns (2.38.1's 27, HEAD's 32):
// nstool's own columns make it no longer.
func (o *Options) outputSyntax() scols.ListSyntax {
	if o.head {
		return scols.ListSyntax{Slots: 2 * len(headOrder)}
	}
	n := 0
	for _, c := range columns {
		if !c.extra && !c.newer {
			n++
		}
	}
	return scols.ListSyntax{Slots: 2 * n}
}

// columnByName looks a column up case-insensitively, as util-linux does;
// nil when there is none.
func columnByName(name string) *column {
	c, _ := registry.Lookup(name)
	return c
}

// jsonType is the JSON type util-linux gives the column.
func (c *column) jsonType(bytes bool) scols.JSONType {
	if c.name == "SOURCES" {
		return scols.ArrayString // all the devices a source names, one per line
	}
	switch c.kind {
	case "integer":
		return scols.Number
	case "size":
		if bytes {
			return scols.Number
		}
	}
	return scols.String
}
