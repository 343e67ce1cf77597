// Package ls implements `nstool ls`: cinf and util-linux lsns in one.
package ls

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/scols"
	"github.com/nstool/nstool/nsutil"
)

// Options are the parsed command line of `nstool ls`.
type Options struct {
	IO *cli.IOStreams

	Types      nsutil.NSTypeSet // empty: all
	Output     string
	OutputAll  bool
	List       bool
	Raw        bool
	NoHeadings bool
	JSON       bool
	NoTrunc    bool
	NoWrap     bool
	Tree       string // "", "owner", "parent" or "process"
	Namespace  uint64 // --namespace ID (0: not given)
	PID        int    // --pid PID (0: not given)
}

// The default columns: cinf's for the namespace list and the process view,
// and for --pid the comparison with PID 1 and the caller.
var (
	defaultColumns        = []string{"NAMESPACE", "TYPE", "NPROCS", "USERS", "CMD"}
	defaultProcessColumns = []string{"PID", "PPID", "NAME", "CMD", "NTHREADS", "CGROUPS", "STATE"}
	defaultPIDColumns     = []string{"NAMESPACE", "TYPE", "NPROCS", "PID1", "SELF"}
)

// NewCmd returns the `ls` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	opts := &Options{IO: ios}
	var types []string
	var namespace, pid, task string
	cmd := &cobra.Command{
		Use:   "ls [TYPE|NAMESPACE]",
		Short: "List namespaces (lsns and cinf in one)",
		Long: `List the namespaces of the running system: every namespace some process is
in, and those that only a bind mount of an nsfs file keeps alive (found in
the mount table of every mount namespace), with NPROCS 0.

TYPE is one of mnt, uts, ipc, pid, net, user, cgroup, time; without it all
types are listed. The default columns are cinf's: NAMESPACE (the inode
number), TYPE, NPROCS, USERS (the distinct effective UIDs of its processes)
and CMD (the command line of its lowest-PID process). Rows are sorted by
namespace, then type.

--namespace ID lists the processes in one namespace; a number given as the
argument does the same, as with lsns. --pid PID lists every namespace of one
process and whether it is PID 1's and the caller's.

Columns and flags that lsns has print what util-linux lsns 2.38 prints
(with -l; lsns's default process tree is -T process). Only processes are
counted, not threads. As non-root, the namespaces of other users' processes
cannot be read: they are left out and said so once on stderr.

Available output columns:
` + columnHelp(),
		Example: `  nstool ls                          # every namespace, cinf's columns
  nstool ls mnt                      # mount namespaces only
  nstool ls net -o NS,NPROCS,NETNSID,NSFS
  nstool ls -o +PNS,ONS,MOUNTS       # the defaults plus parent, owner and mount count
  nstool ls -T owner                 # user namespaces and what they own, as a tree
  nstool ls --namespace 4026531840   # the processes in one namespace
  nstool ls --pid $$                 # the namespaces of this shell
  nstool ls -J | jq '.namespaces[] | select(.nprocs == 0)'
  nstool ls -l -o NS,TYPE,NPROCS,PID,USER,COMMAND   # exactly lsns -l's bytes`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			names := make([]string, 0, len(nsutil.AllNSTypes))
			for _, t := range nsutil.AllNSTypes {
				names = append(names, t.String())
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, t := range types {
				if err := opts.addType(t); err != nil {
					return err
				}
			}
			if len(args) == 1 {
				if err := opts.positional(cmd, args[0], &namespace); err != nil {
					return err
				}
			}
			// An option given an empty value was given: lsns says the
			// value is invalid, as for any other that is not a number.
			pidGiven := cmd.Flags().Changed("pid")
			if cmd.Flags().Changed("task") && !pidGiven {
				pid, pidGiven = task, true
			}
			if namespace != "" || cmd.Flags().Changed("namespace") {
				id, err := strconv.ParseUint(namespace, 10, 64)
				if err != nil || id == 0 {
					return cli.NumberError("invalid namespace argument", namespace)
				}
				opts.Namespace = id
			}
			if pidGiven {
				n, err := strconv.ParseInt(pid, 10, 32)
				if err != nil || n <= 0 {
					return cli.NumberError("invalid PID argument", pid)
				}
				opts.PID = int(n)
			}
			if cmd.Flags().Changed("tree") {
				switch opts.Tree {
				case "owner", "parent", "process":
				default:
					return cli.Exitf(1, "unknown tree type: %s", opts.Tree)
				}
			}
			switch {
			// util-linux says these in one line, without the --help hint.
			case opts.JSON && opts.Raw:
				return cli.Exitf(1, "mutually exclusive arguments: --json --raw")
			case opts.List && opts.Tree != "":
				return cli.Exitf(1, "mutually exclusive arguments: --list --tree")
			case opts.PID != 0 && opts.Namespace != 0:
				return cli.Exitf(1, "--pid is mutually exclusive with --namespace")
			}
			if opts.Types == 0 {
				opts.Types = nsutil.AllNSTypeSet
			}
			return run(opts)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&types, "type", "t", nil, "namespace `TYPE` (mnt, net, ipc, user, pid, uts, cgroup, time); repeatable")
	f.StringVarP(&opts.Output, "output", "o", "", "output columns: a comma-separated `LIST`; +LIST adds to the default")
	f.BoolVar(&opts.OutputAll, "output-all", false, "output all columns")
	f.BoolVarP(&opts.List, "list", "l", false, "use list format output (the default; for lsns muscle memory)")
	f.BoolVarP(&opts.Raw, "raw", "r", false, "use the raw output format")
	f.BoolVarP(&opts.NoHeadings, "noheadings", "n", false, "don't print headings")
	f.BoolVarP(&opts.JSON, "json", "J", false, "use JSON output format")
	f.BoolVarP(&opts.NoTrunc, "notruncate", "u", false, "don't truncate text in columns")
	f.BoolVarP(&opts.NoWrap, "nowrap", "W", false, "don't use multi-line representation")
	f.StringVarP(&opts.Tree, "tree", "T", "", "use tree format by `REL`ation: owner (default), parent or process")
	f.Lookup("tree").NoOptDefVal = "owner"
	f.StringVar(&namespace, "namespace", "", "list the processes in namespace `ID` (its inode number)")
	f.StringVarP(&pid, "pid", "p", "", "list the namespaces of process `PID`")
	f.StringVar(&task, "task", "", "the same as --pid (lsns's name)")
	_ = f.MarkHidden("task")
	_ = cmd.RegisterFlagCompletionFunc("type", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		names := make([]string, 0, len(nsutil.AllNSTypes))
		for _, t := range nsutil.AllNSTypes {
			names = append(names, t.String())
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("tree", cobra.FixedCompletions([]string{"owner", "parent", "process"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// positional reads the one argument: a TYPE, or a namespace ID as lsns's
// <namespace>.
func (o *Options) positional(cmd *cobra.Command, a string, namespace *string) error {
	// "-T parent": pflag gives -T its default and leaves "parent" as an
	// argument; lsns rejects it, a person means the tree type.
	if cmd.Flags().Changed("tree") && o.Tree == "owner" && (a == "owner" || a == "parent" || a == "process") {
		o.Tree = a
		return nil
	}
	if _, err := nsutil.ParseNSType(a); err == nil {
		return o.addType(a)
	}
	if isNumber(a) {
		*namespace = a
		return nil
	}
	if a == "" {
		// lsns's positional argument is a namespace ID only.
		return cli.NumberError("invalid namespace argument", "")
	}
	return cli.Exitf(1, "unknown namespace type: %s", a)
}

func (o *Options) addType(name string) error {
	t, err := nsutil.ParseNSType(name)
	if err != nil {
		return cli.Exitf(1, "unknown namespace type: %s", name)
	}
	o.Types = o.Types.With(t)
	return nil
}

func isNumber(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// runCtx is one run's state: the listing and the caches columns share.
type runCtx struct {
	opts     *Options
	listing  *nsutil.Listing
	users    userNames
	cmdlines map[int]string
	cgroups  map[int]string
	netnsids map[uint64]string
	netlink  *nsutil.NetNSIDs
	owners   map[uint64]uint32
	init     [nsutil.NumNSTypes]uint64 // PID 1's namespace inodes (0: unreadable)
	self     [nsutil.NumNSTypes]uint64 // the caller's
}

// command is lsns's COMMAND: the command line, or the name for a kernel
// thread or a process that exited since the scan.
func (c *runCtx) command(p *nsutil.ProcInfo) string {
	if s, ok := c.cmdlines[p.PID]; ok {
		return s
	}
	s := nsutil.ReadCmdline(p.PID)
	if s == "" {
		s = nsutil.ReadComm(p.PID)
	}
	c.setCommand(p, s)
	return c.cmdlines[p.PID]
}

func (c *runCtx) setCommand(p *nsutil.ProcInfo, s string) {
	if s == "" {
		s = p.Name
	}
	c.cmdlines[p.PID] = s
}

// readCommands reads at once, in parallel, the commands of the rows'
// lowest-PID processes, which COMMAND shows (a few hundred on a busy
// host); command then finds them.
func (c *runCtx) readCommands() {
	var procs []*nsutil.ProcInfo
	var pids []int
	seen := map[int]bool{}
	for _, ns := range c.listing.Namespaces {
		if p := ns.Lowest(); p != nil && !seen[p.PID] {
			seen[p.PID] = true
			procs = append(procs, p)
			pids = append(pids, p.PID)
		}
	}
	for i, s := range nsutil.ReadCommands(pids) {
		c.setCommand(procs[i], s)
	}
}

func (c *runCtx) netnsid(ns *nsutil.Namespace) string {
	if ns.Type != nsutil.NetNS || c.netlink == nil {
		return ""
	}
	if s, ok := c.netnsids[ns.Ino]; ok {
		return s
	}
	s := ""
	paths := make([]string, 0, len(ns.Procs)+len(ns.NSFS))
	for _, p := range ns.Procs {
		paths = append(paths, nsutil.ProcNSPath(p.PID, nsutil.NetNS))
	}
	// A namespace only a bind mount holds is asked about through it.
	for _, path := range append(paths, ns.NSFS...) {
		id, err := c.netlink.Lookup(path)
		if err != nil {
			continue
		}
		s = strconv.Itoa(id)
		if id == nsutil.NetNSIDNotAssigned {
			s = "unassigned"
		}
		break
	}
	c.netnsids[ns.Ino] = s
	return s
}

// ownerUID is the UID shown for a namespace no process is in: the
// creator of the user namespace it is or that owns it (lsns 2.39 shows 0
// for the types other than user).
func (c *runCtx) ownerUID(ns *nsutil.Namespace) (uint32, bool) {
	if uid, ok := c.owners[ns.Ino]; ok {
		return uid, true
	}
	for _, path := range ns.NSFS {
		if uid, err := nsutil.CreatorUID(path); err == nil {
			c.owners[ns.Ino] = uid
			return uid, true
		}
	}
	if ns.HaveRel && ns.Rel.OwnerUID >= 0 {
		return uint32(ns.Rel.OwnerUID), true
	}
	return 0, false
}

func (c *runCtx) compare(ns *nsutil.Namespace, ref [nsutil.NumNSTypes]uint64) string {
	switch r := ref[ns.Type]; {
	case r == 0:
		return "?"
	case r == ns.Ino:
		return "same"
	default:
		return "differs"
	}
}

func run(opts *Options) error {
	forProcesses := opts.Namespace != 0
	defaults := defaultColumns
	switch {
	case forProcesses:
		defaults = defaultProcessColumns
	case opts.PID != 0:
		defaults = defaultPIDColumns
	}
	reg := registryFor(forProcesses)
	cols := reg.Named(defaults...)
	switch {
	case opts.OutputAll:
		cols = reg.Columns
	case opts.Output != "":
		var err error
		if cols, err = reg.ParseList(cols, opts.Output, outputSyntax); err != nil {
			return cli.Exitf(1, "%v", err)
		}
	}
	var needs need
	for _, c := range cols {
		needs |= c.need
	}
	if opts.PID != 0 {
		if _, err := os.Stat("/proc/" + strconv.Itoa(opts.PID) + "/ns"); err != nil {
			return cli.Exitf(1, "no process with PID %d", opts.PID)
		}
	}

	lopts := nsutil.ListOptions{
		Types:      opts.Types,
		BindMounts: true,
		Mounts:     needs&needMounts != 0,
		Relations:  needs&needRelations != 0,
		Relatives:  opts.Tree == "owner" || opts.Tree == "parent",
		Details:    opts.Tree == "process",
	}
	if forProcesses {
		// The namespace may be of any type: look for it among all.
		lopts.Types = nsutil.AllNSTypeSet
	}
	listing, err := nsutil.ListNamespaces(lopts)
	if err != nil {
		return cli.Exitf(1, "cannot read /proc: %v", err)
	}
	c := &runCtx{opts: opts, listing: listing, users: userNames{}, cmdlines: map[int]string{},
		cgroups: map[int]string{}, netnsids: map[uint64]string{}, owners: map[uint64]uint32{}}
	for _, t := range nsutil.AllNSTypes {
		if id, err := nsutil.NamespaceOf(1, t); err == nil {
			c.init[t] = id.Ino
		}
		if id, err := nsutil.NamespaceOf(0, t); err == nil {
			c.self[t] = id.Ino
		}
	}
	if needs&needNetNSID != 0 {
		if nl, err := nsutil.OpenNetNSIDs(); err == nil {
			c.netlink = nl
			defer nl.Close()
		}
	}

	if needs&needCommand != 0 && !forProcesses && opts.PID == 0 {
		c.readCommands()
	}
	if needs&needDetails != 0 && !forProcesses && !lopts.Details {
		// PPID of each namespace's lowest-PID process: read only those.
		done := map[int]bool{}
		for _, ns := range listing.Namespaces {
			if p := ns.Lowest(); p != nil && !done[p.PID] {
				done[p.PID] = true
				_ = p.ReadDetails() // exited since the scan: PPID stays 0
			}
		}
	}

	var tab *scols.Table
	switch {
	case forProcesses:
		tab, err = c.processTable(cols, needs)
	default:
		tab, err = c.namespaceTable(cols)
	}
	if err != nil {
		return err
	}
	if err := tab.Print(opts.IO.Out); err != nil {
		return cli.Exitf(1, "write error: %v", err)
	}
	c.warnUnreadable()
	return nil
}

// warnUnreadable says once what could not be seen.
func (c *runCtx) warnUnreadable() {
	var parts []string
	if n := c.listing.Denied; n > 0 {
		parts = append(parts, fmt.Sprintf("the namespaces of %d %s", n, cli.Plural(n, "process", "processes")))
	}
	if n := c.listing.UnreadMountTables; n > 0 {
		parts = append(parts, fmt.Sprintf("the mount tables of %d mount %s", n, cli.Plural(n, "namespace", "namespaces")))
	}
	if len(parts) == 0 {
		return
	}
	// As non-root, ptrace access (PTRACE_MODE_READ_FSCREDS, proc(5)) is
	// what is missing. Root can be refused too: a process that is not
	// dumpable, or a security module, denies even CAP_SYS_PTRACE.
	hint := "need root or CAP_SYS_PTRACE"
	if os.Geteuid() == 0 {
		hint = "permission denied"
	}
	fmt.Fprintf(c.opts.IO.ErrOut, "nstool ls: could not read %s (%s); they are not listed\n", strings.Join(parts, " and "), hint)
}
