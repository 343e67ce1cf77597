// Package findmnt implements `nstool findmnt`: util-linux findmnt(8), byte
// for byte when piped, plus peer-group columns and colour by propagation.
package findmnt

import (
	"math"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// Options are findmnt's command-line options (findmnt(8)).
type Options struct {
	All, ASCII, Bytes, NoCanonicalize, Canonicalize, DF, Evaluate    bool
	Invert, JSON, FirstOnly, NoTruncate, OutputAll, Pairs, Raw, List bool
	NoHeadings, Mtab, Fstab, NoFSRoot, Submounts, Shell              bool
	ForceTree, Pseudo, Real, Shadowed, ListColumns, Verbose, Uniq    bool
	Version                                                          bool // -V: "findmnt from nstool VERSION"
	VFSAll                                                           bool // --vfs-all
	DFI                                                              bool // -I/--dfi: -D with inode counts
	Verify                                                           bool // -x/--verify
	Hyperlink                                                        string
	// Kernel is -k/--kernel[=mountinfo|listmount]: "" when not given.
	Kernel string
	UniqID string // --uniq-id

	// head is NSTOOL_FINDMNT_COMPAT=head: util-linux HEAD's bytes where
	// they differ from 2.38.1's (see compat.go).
	head bool

	// Poll is -p/--poll[=LIST] (every action when bare), Timeout -w/--timeout:
	// the actions to print (see pollActions) and how long to wait for one.
	Poll, Timeout string

	// TabFiles are -F's files and -N's PIDs (taskMark+PID), in the order
	// given: util-linux reads its tables in that order.
	TabFiles   []string
	Direction  string
	Output     string
	Options    string // -O
	Types      string // -t
	Source     string // -S
	Target     string // -T
	Mountpoint string // -M
	ID         string // -I
	Filter     string // -Q
	Args       []string

	// given names the options on the command line, an empty value included:
	// `-T ''` is given, and is not the same as no -T.
	given map[string]bool
	// seen are the options in the order given, with their values: util-linux
	// checks conflicts and some values as getopt returns each option.
	seen []seenOption

	IO *cli.IOStreams
	// Getenv reads the locale variables (tests replace it).
	Getenv func(string) string
}

// NewCmd returns the `findmnt` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	return newCmd(ios, run)
}

// newCmd builds the command with runF as its action (tests pass their own).
func newCmd(ios *cli.IOStreams, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: ios, Getenv: os.Getenv}
	cmd := &cobra.Command{
		Use:   "findmnt [options] [<device> | <mountpoint>] | [<device> <mountpoint>]",
		Short: "Show mounts and their propagation, as util-linux findmnt",
		Long: `List mounted filesystems, as a tree of mount points by default, exactly as
util-linux findmnt 2.38 does when the output is a pipe (same bytes, same
exit code), plus what findmnt does not show:

  PEER-GROUP      N of shared:N  (mounts in the same peer group propagate to
                  each other)
  MASTER          N of master:N  (this mount receives from peer group N)
  PROPAGATE-FROM  N of propagate_from:N

On a terminal PROPAGATION is coloured: shared green, slave yellow, private
plain, unbindable red (--color=never or NO_COLOR=1 turn colour off).

With no table option findmnt reads /proc/self/mountinfo; -N PID reads that
process's table (its mount namespace), -F FILE any saved mountinfo or fstab.
It exits 1 when a list search (a source, target, -f, -l with filters) found
nothing; in tree output a filter that matches nothing prints nothing and
exits 0, as util-linux does.

-x checks a table (/etc/fstab by default) as util-linux does. -H, -I/--dfi,
--id, --hyperlink and the INO.* and UNIQ-ID columns are util-linux's newer
ones. Where util-linux HEAD prints other bytes than 2.38.1 (--output-all,
some -x messages), NSTOOL_FINDMNT_COMPAT=head selects HEAD's.

Filter expressions (-Q) use libsmartcols' syntax: ==, !=, <, <=, >, >=,
=~ and !~ (regular expressions), &&/and, ||/or, !/not, parentheses, e.g.
  -Q 'PROPAGATION =~ "shared" && TARGET =~ "^/srv"'`,
		Example: `  nstool findmnt                                  # the mount tree
  nstool findmnt -o TARGET,PROPAGATION,PEER-GROUP,MASTER
  nstool findmnt -l -t tmpfs,ext4                 # a list of tmpfs and ext4 mounts
  nstool findmnt -N 1234                          # the mounts in PID 1234's namespace
  nstool findmnt -Q 'PROPAGATION != "private"' -l # only mounts that propagate
  nstool findmnt -J -o TARGET,PEER-GROUP /sys     # JSON for scripts
  nstool findmnt -F saved-mountinfo --real        # a captured table, real filesystems only
  nstool findmnt -D                               # df-like sizes
  nstool findmnt -x --verbose                     # check /etc/fstab`,
		Args:                  cobra.ArbitraryArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Args = args
			o.given = map[string]bool{}
			cmd.Flags().Visit(func(f *pflag.Flag) { o.given[f.Name] = true })
			return runF(o)
		},
	}
	// util-linux 2.38's longopts; --dfi, --id, --uniq-id, --filter,
	// --list-columns, --hyperlink and --kernel's argument are newer,
	// nstool's own here.
	cli.UseGetopt(cmd, "abcd:efhiklmno:p::rst:uvw:xyACDF:JM:N:O:PRS:T:UV", "all ascii bytes canonicalize direction df evaluate first-only fstab help invert "+
		"json kernel list mountpoint mtab noheadings notruncate options output output-all poll pairs raw types "+
		"nocanonicalize nofsroot submounts source tab-file task target timeout uniq verify version shell verbose "+
		"tree real pseudo vfs-all shadowed")
	f := cmd.Flags()
	f.SortFlags = false
	f.BoolVarP(&o.All, "all", "A", false, "disable all built-in filters, print all filesystems")
	f.BoolVarP(&o.ASCII, "ascii", "a", false, "use ASCII chars for tree formatting")
	f.BoolVarP(&o.Bytes, "bytes", "b", false, "print sizes in bytes rather than in human readable format")
	f.BoolVarP(&o.NoCanonicalize, "nocanonicalize", "C", false, "don't canonicalize when comparing paths")
	f.BoolVarP(&o.Canonicalize, "canonicalize", "c", false, "canonicalize printed paths")
	f.BoolVarP(&o.DF, "df", "D", false, "imitate the output of df(1)")
	f.StringVarP(&o.Direction, "direction", "d", "", "direction of search, 'forward' or 'backward'")
	f.BoolVarP(&o.Evaluate, "evaluate", "e", false, "convert tags (LABEL,UUID,PARTUUID,PARTLABEL) to device names")
	f.VarP(&tabFiles{list: &o.TabFiles, typ: "stringArray"}, "tab-file", "F", "alternative file for -s, -m or -k options")
	f.BoolVarP(&o.FirstOnly, "first-only", "f", false, "print the first found filesystem only")
	f.BoolVarP(&o.Invert, "invert", "i", false, "invert the sense of matching")
	f.BoolVarP(&o.JSON, "json", "J", false, "use JSON output format")
	f.BoolVarP(&o.List, "list", "l", false, "use list format output")
	f.BoolVarP(&o.NoHeadings, "noheadings", "n", false, "don't print column headings")
	f.BoolVarP(&o.NoTruncate, "notruncate", "u", false, "don't truncate text in columns")
	f.StringVarP(&o.Output, "output", "o", "", "output columns (+LIST appends to the default columns)")
	f.BoolVar(&o.OutputAll, "output-all", false, "output all available columns")
	f.StringVarP(&o.Poll, "poll", "p", "", "monitor changes in table of mounted filesystems (`list`: the actions to show)")
	f.Lookup("poll").NoOptDefVal = pollAll
	f.StringVarP(&o.Timeout, "timeout", "w", "", "upper limit in milliseconds that --poll will block")
	f.BoolVarP(&o.Pairs, "pairs", "P", false, "use key=\"value\" output format")
	f.BoolVarP(&o.Raw, "raw", "r", false, "use raw output format")
	f.BoolVarP(&o.Shell, "shell", "y", false, "use column names to be usable as shell variable identifiers")
	f.StringVarP(&o.Types, "types", "t", "", "limit the set of filesystems by FS types")
	f.StringVarP(&o.Options, "options", "O", "", "limit the set of filesystems by mount options")
	f.BoolVarP(&o.NoFSRoot, "nofsroot", "v", false, "don't print [/dir] for bind or btrfs mounts")
	f.BoolVarP(&o.Submounts, "submounts", "R", false, "print all submounts for the matching filesystems")
	f.StringVarP(&o.Source, "source", "S", "", "the device to mount (by name, maj:min, LABEL=, UUID=, PARTUUID=, PARTLABEL=)")
	f.StringVarP(&o.Target, "target", "T", "", "the path to the filesystem to use")
	f.StringVarP(&o.Mountpoint, "mountpoint", "M", "", "the mountpoint directory")
	f.VarP(&tabFiles{list: &o.TabFiles, mark: taskMark, typ: "string"}, "task", "N", "use alternative namespace (/proc/<tid>/mountinfo file)")
	f.BoolVarP(&o.Fstab, "fstab", "s", false, "search in static table of filesystems")
	f.BoolVarP(&o.Mtab, "mtab", "m", false, "search in table of mounted filesystems (includes user space mount options)")
	f.StringVarP(&o.Kernel, "kernel", "k", "", "search in kernel table of mounted filesystems (default); `how`: mountinfo (default) or listmount")
	f.Lookup("kernel").NoOptDefVal = "mountinfo"
	f.BoolVar(&o.ForceTree, "tree", false, "enable tree format if possible")
	f.BoolVarP(&o.Uniq, "uniq", "U", false, "ignore filesystems with duplicate target")
	f.BoolVar(&o.Real, "real", false, "print only real filesystems")
	f.BoolVar(&o.Pseudo, "pseudo", false, "print only pseudo-filesystems")
	f.BoolVar(&o.Shadowed, "shadowed", false, "print only filesystems over-mounted by another filesystem")
	f.BoolVarP(&o.DFI, "dfi", "I", false, "imitate the output of df(1) with -i option")
	f.StringVar(&o.ID, "id", "", "filter by mount node ID")
	f.StringVar(&o.UniqID, "uniq-id", "", "filter by mount node 64-bit ID (requires --kernel=listmount)")
	f.StringVarP(&o.Filter, "filter", "Q", "", "apply display filter (libsmartcols expression)")
	f.BoolVarP(&o.ListColumns, "list-columns", "H", false, "list the available columns")
	f.BoolVarP(&o.Verify, "verify", "x", false, "verify mount table content (default is fstab)")
	f.BoolVar(&o.Verbose, "verbose", false, "print more details")
	f.StringVar(&o.Hyperlink, "hyperlink", "", "print paths as terminal hyperlinks (`when`: always, never or auto)")
	f.Lookup("hyperlink").NoOptDefVal = "auto"
	f.BoolVarP(&o.Version, "version", "V", false, "display version (findmnt from nstool VERSION)")
	f.BoolVar(&o.VFSAll, "vfs-all", false, "print all VFS options")
	f.VisitAll(func(fl *pflag.Flag) { fl.Value = &inOrder{Value: fl.Value, name: fl.Name, seen: &o.seen} })
	return cmd
}

// seenOption is one option of the command line.
type seenOption struct{ name, value string }

// inOrder records each option in o.seen as pflag sets it, then sets it.
type inOrder struct {
	pflag.Value
	name string
	seen *[]seenOption
}

func (v *inOrder) Set(s string) error {
	*v.seen = append(*v.seen, seenOption{v.name, s})
	return v.Value.Set(s)
}

// IsBoolFlag keeps a flag without argument one (pflag and getopt ask).
func (v *inOrder) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// exclusive are util-linux's groups of options that exclude each other
// (findmnt.c's excl[]), by long name.
var exclusive = [][]string{
	{"nocanonicalize", "canonicalize"},
	{"nocanonicalize", "evaluate"},
	{"json", "pairs", "raw", "verify"},
	{"mountpoint", "target"},
	{"task", "kernel", "mtab", "fstab"},
	{"pairs", "list", "raw", "verify"},
	{"poll", "verify"},
	// util-linux's row is {m, p, s}, but it lists it after {p, x}, out of
	// the ASCII order err_exclusive_options walks the rows in, so -m is
	// never counted there: -m -p is allowed, -p -s is refused
	{"poll", "fstab"},
	{"pseudo", "real"},
}

// utilLinuxNames is how util-linux prints a group where it differs from
// the long names in order.
var utilLinuxNames = map[string]string{
	"poll,fstab":             "--mtab --poll --fstab",
	"task,kernel,mtab,fstab": "--task --kernel --mtab --fstab",
}

// validate reads the command line as findmnt's getopt loop does, option
// by option in the order given: a conflict (err_exclusive_options: the
// first option of a group seen, then another of it) and the values it
// reads there (-d, -N, -w, -p) are refused at the option where they arise;
// the rest of the command line is read by plan.
func (o *Options) validate() error {
	first := make([]string, len(exclusive))
	for _, opt := range o.seen {
		// util-linux HEAD's --kernel=listmount is not its -k; the
		// conflict with -N and -F is told later (plan)
		if !(opt.name == "kernel" && o.Kernel == "listmount") {
			if err := exclusiveCheck(first, opt.name); err != nil {
				return err
			}
		}
		if err := checkValue(opt); err != nil {
			return err
		}
	}
	return nil
}

// exclusiveCheck is err_exclusive_options for one option: first holds the
// option seen first in each group.
func exclusiveCheck(first []string, name string) error {
	for i, g := range exclusive {
		for _, member := range g {
			if member != name {
				continue
			}
			if first[i] == "" {
				first[i] = name
			} else if first[i] != name {
				msg := utilLinuxNames[strings.Join(g, ",")]
				if msg == "" {
					msg = "--" + strings.Join(g, " --")
				}
				return cli.Exitf(1, "mutually exclusive arguments: %s", msg)
			}
		}
	}
	return nil
}

// checkValue refuses what findmnt's getopt loop refuses of a value.
func checkValue(opt seenOption) error {
	switch opt.name {
	case "direction":
		if opt.value != "forward" && opt.value != "backward" {
			return cli.Exitf(1, "unknown direction '%s'", opt.value)
		}
	case "task":
		_, err := parseTID(opt.value)
		return err
	case "timeout":
		_, err := cli.ParseStrtos32(opt.value, "invalid timeout argument")
		return err
	case "poll":
		return checkPollActions(opt.value)
	}
	return nil
}

// checkPollActions reads --poll's list as util-linux's string_to_idarray
// does: names of actions, any case, between commas. An unknown name is
// reported with the rest of the list after it; an empty list or an
// empty name (",mount") fails without a word.
func checkPollActions(list string) error {
	if list == "" {
		return cli.Exit(1)
	}
	for rest := list; rest != ""; {
		name, tail, more := strings.Cut(rest, ",")
		if more && tail == "" {
			// a comma that ends the list is part of the name before it
			// ("mount," is an unknown action)
			name, more = rest, false
		}
		if name == "" {
			return cli.Exit(1)
		}
		switch strings.ToLower(name) {
		case "move", "mount", "umount", "remount":
		default:
			return cli.Exitf(1, "unknown action: %s", rest)
		}
		if !more {
			break
		}
		rest = tail
	}
	return nil
}

// parseTID reads -N's PID as util-linux's strtou32_or_err: strtoumax(3)
// in base 10 (blanks and a sign before the digits, nothing after), where
// a negative number (strtoimax below 0: "-1", not "-0") and one above
// 2^32-1 are out of range.
func parseTID(s string) (int, error) {
	const what = "invalid TID argument"
	n, err := cli.ParseStrtoul(s, what)
	if err != nil {
		return 0, err
	}
	if n > math.MaxUint32 || n != 0 && strings.HasPrefix(strings.TrimLeft(s, " \t\n\v\f\r"), "-") {
		return 0, cli.Exitf(1, "%s: '%s': Numerical result out of range", what, s)
	}
	return int(n), nil
}

// taskMark starts a TabFiles entry that is -N's PID, not a file (no
// argument holds a NUL).
const taskMark = "\x00"

// tabFiles is the pflag value of -F and -N: both append to one list.
type tabFiles struct {
	list      *[]string
	mark, typ string
}

func (v *tabFiles) Set(s string) error {
	*v.list = append(*v.list, v.mark+s)
	return nil
}
func (v *tabFiles) String() string { return "" }
func (v *tabFiles) Type() string   { return v.typ }
