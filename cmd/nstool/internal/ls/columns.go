package ls

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nstool/nstool/cmd/nstool/internal/scols"
	"github.com/nstool/nstool/nsutil/crossns"
	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/nslist"
)

// need says what a column needs read beyond the basic scan.
type need uint

const (
	needRelations need = 1 << iota // nsfs ioctls: PNS, ONS
	needMounts                     // each mount namespace's table: MOUNTS
	needNetNSID                    // rtnetlink: NETNSID
	needDetails                    // /proc/PID/status: PPID, NAME, STATE, NTHREADS
	needCgroups                    // /proc/PID/cgroup
	needCommand                    // /proc/PID/cmdline: COMMAND, CMD
	needOwners                     // every process's UID, not only the lowest PID's: USERS
)

// column is one entry of the column registry that drives -o, the headers,
// the help text and JSON, as in util-linux lsns. A namespace row is filled
// by ns; a process row (--namespace view) by proc.
type column struct {
	name  string
	whint float64
	flags scols.Flag
	json  scols.JSONType
	help  string
	need  need
	ns    func(c *runCtx, ns *nslist.Namespace) string
	proc  func(c *runCtx, ns *nslist.Namespace, p *nslist.ProcInfo) string
}

// The namespace's lowest-PID process stands for it in PID, PPID, COMMAND,
// PATH, UID and USER, as in lsns.
func lowest(ns *nslist.Namespace, f func(p *nslist.ProcInfo) string) string {
	if p := ns.Lowest(); p != nil {
		return f(p)
	}
	return ""
}

func nsIno(c *runCtx, ns *nslist.Namespace) string { return strconv.FormatUint(ns.Ino, 10) }
func nsCommand(c *runCtx, ns *nslist.Namespace) string {
	return lowest(ns, func(p *nslist.ProcInfo) string { return c.command(p) })
}
func procCommand(c *runCtx, _ *nslist.Namespace, p *nslist.ProcInfo) string { return c.command(p) }
func procPID(_ *runCtx, _ *nslist.Namespace, p *nslist.ProcInfo) string     { return strconv.Itoa(p.PID) }
func procPPID(_ *runCtx, _ *nslist.Namespace, p *nslist.ProcInfo) string    { return strconv.Itoa(p.PPID) }
func procUID(_ *runCtx, _ *nslist.Namespace, p *nslist.ProcInfo) string {
	return strconv.FormatUint(uint64(p.UID), 10)
}
func procUser(c *runCtx, _ *nslist.Namespace, p *nslist.ProcInfo) string { return c.users.name(p.UID) }
func procPath(_ *runCtx, ns *nslist.Namespace, p *nslist.ProcInfo) string {
	return namespaces.ProcPath(p.PID, ns.Type)
}
func nsType(_ *runCtx, ns *nslist.Namespace) string { return ns.Type.String() }
func perProcNS(f func(c *runCtx, ns *nslist.Namespace) string) func(*runCtx, *nslist.Namespace, *nslist.ProcInfo) string {
	return func(c *runCtx, ns *nslist.Namespace, _ *nslist.ProcInfo) string { return f(c, ns) }
}

var columns = []*column{
	{name: "NS", whint: 10, flags: scols.Right, json: scols.Number, help: "namespace identifier (inode number)",
		ns: nsIno, proc: perProcNS(nsIno)},
	{name: "NAMESPACE", whint: 10, flags: scols.Right, json: scols.Number, help: "the same as NS, with cinf's header",
		ns: nsIno, proc: perProcNS(nsIno)},
	{name: "TYPE", whint: 5, help: "kind of namespace", ns: nsType, proc: perProcNS(nsType)},
	{name: "PATH", help: "path to the namespace",
		ns: func(c *runCtx, ns *nslist.Namespace) string {
			return lowest(ns, func(p *nslist.ProcInfo) string { return procPath(c, ns, p) })
		},
		proc: procPath},
	{name: "NPROCS", whint: 5, flags: scols.Right, json: scols.Number, help: "number of processes in the namespace",
		ns:   func(_ *runCtx, ns *nslist.Namespace) string { return strconv.Itoa(ns.NProcs()) },
		proc: func(_ *runCtx, ns *nslist.Namespace, _ *nslist.ProcInfo) string { return strconv.Itoa(ns.NProcs()) }},
	{name: "PID", whint: 5, flags: scols.Right, json: scols.Number, help: "lowest PID in the namespace",
		ns: func(c *runCtx, ns *nslist.Namespace) string {
			return lowest(ns, func(p *nslist.ProcInfo) string { return strconv.Itoa(p.PID) })
		},
		proc: procPID},
	{name: "PPID", whint: 5, flags: scols.Right, json: scols.Number, help: "PPID of the PID", need: needDetails,
		ns: func(c *runCtx, ns *nslist.Namespace) string {
			return lowest(ns, func(p *nslist.ProcInfo) string { return strconv.Itoa(p.PPID) })
		},
		proc: procPPID},
	{name: "COMMAND", flags: scols.Trunc, help: "command line of the PID", need: needCommand, ns: nsCommand, proc: procCommand},
	{name: "CMD", flags: scols.Trunc, help: "the same as COMMAND, with cinf's header", need: needCommand, ns: nsCommand, proc: procCommand},
	{name: "UID", flags: scols.Right, json: scols.Number, help: "UID of the PID",
		ns: func(c *runCtx, ns *nslist.Namespace) string {
			if p := ns.Lowest(); p != nil {
				return procUID(c, ns, p)
			}
			if uid, ok := c.ownerUID(ns); ok {
				return strconv.FormatUint(uint64(uid), 10)
			}
			return ""
		},
		proc: procUID},
	{name: "USER", help: "username of the PID",
		ns: func(c *runCtx, ns *nslist.Namespace) string {
			if p := ns.Lowest(); p != nil {
				return procUser(c, ns, p)
			}
			if uid, ok := c.ownerUID(ns); ok {
				return c.users.name(uid)
			}
			return ""
		},
		proc: procUser},
	{name: "USERS", help: "effective UIDs of the namespace's processes", need: needOwners,
		ns:   users,
		proc: perProcNS(users)},
	{name: "NETNSID", flags: scols.Right, help: "namespace ID as used by network subsystem", need: needNetNSID,
		ns: func(c *runCtx, ns *nslist.Namespace) string { return c.netnsid(ns) },
		proc: func(c *runCtx, ns *nslist.Namespace, _ *nslist.ProcInfo) string {
			return c.netnsid(ns)
		}},
	{name: "NSFS", flags: scols.Wrap, help: "nsfs mountpoint (usually used network subsystem)",
		ns:   func(c *runCtx, ns *nslist.Namespace) string { return strings.Join(c.nsfsPaths(ns), ",") },
		proc: perProcNS(func(c *runCtx, ns *nslist.Namespace) string { return strings.Join(c.nsfsPaths(ns), ",") })},
	{name: "PNS", whint: 10, flags: scols.Right, json: scols.Number, help: "parent namespace identifier (inode number)", need: needRelations,
		ns:   func(_ *runCtx, ns *nslist.Namespace) string { return strconv.FormatUint(ns.Rel.Parent, 10) },
		proc: perProcNS(func(_ *runCtx, ns *nslist.Namespace) string { return strconv.FormatUint(ns.Rel.Parent, 10) })},
	{name: "ONS", whint: 10, flags: scols.Right, json: scols.Number, help: "owner namespace identifier (inode number)", need: needRelations,
		ns:   func(_ *runCtx, ns *nslist.Namespace) string { return strconv.FormatUint(ns.Rel.Owner, 10) },
		proc: perProcNS(func(_ *runCtx, ns *nslist.Namespace) string { return strconv.FormatUint(ns.Rel.Owner, 10) })},
	{name: "MOUNTS", whint: 6, flags: scols.Right, json: scols.Number, help: "number of mounts in a mount namespace", need: needMounts,
		ns:   mounts,
		proc: perProcNS(mounts)},
	{name: "PID1", help: "same or differs: is it PID 1's namespace of its type",
		ns:   func(c *runCtx, ns *nslist.Namespace) string { return c.compare(ns, c.init) },
		proc: perProcNS(func(c *runCtx, ns *nslist.Namespace) string { return c.compare(ns, c.init) })},
	{name: "SELF", help: "same or differs: is it the caller's namespace of its type",
		ns:   func(c *runCtx, ns *nslist.Namespace) string { return c.compare(ns, c.self) },
		proc: perProcNS(func(c *runCtx, ns *nslist.Namespace) string { return c.compare(ns, c.self) })},
	// Process columns (the --namespace view), as cinf shows them.
	{name: "NAME", help: "command name of the process [--namespace]", need: needDetails,
		proc: func(_ *runCtx, _ *nslist.Namespace, p *nslist.ProcInfo) string { return p.Name }},
	{name: "NTHREADS", whint: 3, flags: scols.Right, json: scols.Number, help: "number of threads of the process [--namespace]", need: needDetails,
		proc: func(_ *runCtx, _ *nslist.Namespace, p *nslist.ProcInfo) string { return strconv.Itoa(p.Threads) }},
	{name: "OWNER", flags: scols.Trunc, help: "who runs its processes, from their cgroups (docker, kubernetes pod, podman, lxc, systemd unit)",
		ns: func(_ *runCtx, ns *nslist.Namespace) string {
			pids := make([]int, 0, 8)
			for _, p := range ns.Procs {
				if len(pids) == cap(pids) {
					break
				}
				pids = append(pids, p.PID)
			}
			return crossns.NamespaceOwner(pids)
		},
		proc: func(_ *runCtx, _ *nslist.Namespace, p *nslist.ProcInfo) string { return crossns.OwnerOf(p.PID) }},
	{name: "CGROUPS", flags: scols.Trunc, help: "cgroups of the process (v1 controller:path, v2 path) [--namespace]", need: needCgroups,
		proc: func(c *runCtx, _ *nslist.Namespace, p *nslist.ProcInfo) string { return c.cgroups[p.PID] }},
	{name: "STATE", whint: 1, help: "process state (R, S, D, Z, T, ...) [--namespace]", need: needDetails,
		proc: func(_ *runCtx, _ *nslist.Namespace, p *nslist.ProcInfo) string {
			if p.State == 0 {
				return ""
			}
			return string(p.State)
		}},
}

func users(_ *runCtx, ns *nslist.Namespace) string {
	seen := map[uint32]bool{}
	var uids []uint32
	for _, p := range ns.Procs {
		if !seen[p.UID] {
			seen[p.UID] = true
			uids = append(uids, p.UID)
		}
	}
	sort.Slice(uids, func(i, j int) bool { return uids[i] < uids[j] })
	s := make([]string, len(uids))
	for i, u := range uids {
		s[i] = strconv.FormatUint(uint64(u), 10)
	}
	return strings.Join(s, ",")
}

func mounts(_ *runCtx, ns *nslist.Namespace) string {
	if ns.Type != namespaces.Mnt || ns.Mounts < 0 {
		return ""
	}
	return strconv.Itoa(ns.Mounts)
}

// registryFor is the columns a view can show: namespace rows, or the
// --namespace view's process rows (forProcesses). A name of the other
// view is an unknown column.
func registryFor(forProcesses bool) *scols.Registry[*column] {
	var usable []*column
	for _, c := range columns {
		if forProcesses && c.proc != nil || !forProcesses && c.ns != nil {
			usable = append(usable, c)
		}
	}
	return &scols.Registry[*column]{Columns: usable, Name: func(c *column) string { return c.name }}
}

// outputSyntax is ls's -o: "+LIST" appends to the defaults, as in
// util-linux, read leniently (empty names are skipped).
var outputSyntax = scols.ListSyntax{Lenient: true}

// columnHelp is the "Available output columns" part of --help.
func columnHelp() string {
	var b strings.Builder
	for _, c := range columns {
		fmt.Fprintf(&b, " %11s  %s\n", c.name, c.help)
	}
	return b.String()
}
