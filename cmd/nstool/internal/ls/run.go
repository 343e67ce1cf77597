package ls

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/scols"
	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/nslist"
)

// runCtx is one run's state: the listing and the caches columns share.
type runCtx struct {
	opts     *Options
	listing  *nslist.Listing
	users    userNames
	cmdlines map[int]string
	cgroups  map[int]string
	netnsids map[uint64]string
	netlink  *nslist.NetNSIDs
	owners   map[uint64]uint32
	init     [namespaces.NumTypes]uint64 // PID 1's namespace inodes (0: unreadable)
	self     [namespaces.NumTypes]uint64 // the caller's
}

// command is lsns's COMMAND: the command line, or the name for a kernel
// thread or a process that exited since the scan.
func (c *runCtx) command(p *nslist.ProcInfo) string {
	if s, ok := c.cmdlines[p.PID]; ok {
		return s
	}
	s := nslist.ReadCmdline(p.PID)
	if s == "" {
		s = nslist.ReadComm(p.PID)
	}
	c.setCommand(p, s)
	return c.cmdlines[p.PID]
}

func (c *runCtx) setCommand(p *nslist.ProcInfo, s string) {
	if s == "" {
		s = p.Name
	}
	c.cmdlines[p.PID] = s
}

// readCommands reads at once, in parallel, the commands of the rows'
// lowest-PID processes, which COMMAND shows (a few hundred on a busy
// host); command then finds them.
func (c *runCtx) readCommands() {
	var procs []*nslist.ProcInfo
	var pids []int
	seen := map[int]bool{}
	for _, ns := range c.listing.Namespaces {
		if p := ns.Lowest(); p != nil && !seen[p.PID] {
			seen[p.PID] = true
			procs = append(procs, p)
			pids = append(pids, p.PID)
		}
	}
	for i, s := range nslist.ReadCommands(pids) {
		c.setCommand(procs[i], s)
	}
}

func (c *runCtx) netnsid(ns *nslist.Namespace) string {
	if ns.Type != namespaces.Net || c.netlink == nil {
		return ""
	}
	if s, ok := c.netnsids[ns.Ino]; ok {
		return s
	}
	s := ""
	paths := make([]string, 0, len(ns.Procs)+len(ns.NSFS))
	for _, p := range ns.Procs {
		paths = append(paths, namespaces.ProcPath(p.PID, namespaces.Net))
	}
	// A namespace only a bind mount holds is asked about through it.
	for _, path := range append(paths, ns.NSFS...) {
		id, err := c.netlink.Lookup(path)
		if err != nil {
			continue
		}
		s = strconv.Itoa(id)
		if id == nslist.NetNSIDNotAssigned {
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
func (c *runCtx) ownerUID(ns *nslist.Namespace) (uint32, bool) {
	if uid, ok := c.owners[ns.Ino]; ok {
		return uid, true
	}
	for _, path := range ns.NSFS {
		if uid, err := namespaces.CreatorUID(path); err == nil {
			c.owners[ns.Ino] = uid
			return uid, true
		}
	}
	if ns.HaveRel && ns.Rel.OwnerUID >= 0 {
		return uint32(ns.Rel.OwnerUID), true
	}
	return 0, false
}

func (c *runCtx) compare(ns *nslist.Namespace, ref [namespaces.NumTypes]uint64) string {
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
	if opts.Version {
		// lsns prints it at -V's turn: the options before it (cli.Getopt
		// drops what follows) are checked first, <namespace> never.
		opts.Args = nil
		if err := opts.validate(); err != nil {
			return err
		}
		return cli.PrintVersion(opts.IO.Out, "ls")
	}
	if err := opts.validate(); err != nil {
		return err
	}
	forProcesses := opts.Namespace != 0
	defaults := defaultColumns
	switch {
	case forProcesses:
		defaults = defaultProcessColumns
	case opts.PID != 0:
		defaults = defaultPIDColumns
	}
	if opts.List {
		defaults = opts.lsnsColumns(forProcesses)
	}
	cols, err := opts.columns(registryFor(forProcesses), defaults)
	if err != nil {
		return err
	}
	var needs need
	for _, c := range cols {
		needs |= c.need
	}
	lopts := nslist.Options{
		Types:      opts.Types,
		BindMounts: true,
		Mounts:     needs&needMounts != 0,
		Relations:  needs&needRelations != 0,
		Relatives:  opts.Tree == "owner" || opts.Tree == "parent",
		Details:    opts.Tree == "process",
		// A namespace row shows its lowest-PID process's user; the
		// process rows (--namespace) show each process's.
		Owners: forProcesses || needs&needOwners != 0,
	}
	if forProcesses && opts.typesGiven == 0 {
		// The namespace may be of any type: look for it among all (with
		// -t, as lsns, only among those types: "not found namespace").
		lopts.Types = namespaces.AllTypeSet
	}
	listing, err := nslist.List(lopts)
	if err != nil {
		return cli.Exitf(1, "cannot read /proc: %v", err)
	}
	c := &runCtx{opts: opts, listing: listing, users: userNames{}, cmdlines: map[int]string{},
		cgroups: map[int]string{}, netnsids: map[uint64]string{}, owners: map[uint64]uint32{}}
	for _, t := range namespaces.AllTypes {
		if id, err := namespaces.Of(1, t); err == nil {
			c.init[t] = id.Ino
		}
		if id, err := namespaces.Of(0, t); err == nil {
			c.self[t] = id.Ino
		}
	}
	if needs&needNetNSID != 0 {
		if nl, err := nslist.OpenNetNSIDs(); err == nil {
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
	if !opts.List { // lsns says nothing
		c.warnUnreadable()
	}
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
