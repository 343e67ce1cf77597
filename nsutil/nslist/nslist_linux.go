package nslist

import (
	"bytes"
	"sort"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/internal/parallel"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/namespaces"
)

// Namespace is one namespace as `nstool ls` sees it.
type Namespace struct {
	Ino  uint64 // the inode number lsns and cinf call "the namespace"
	Type namespaces.Type
	// Procs are the processes in it, in ascending PID order; empty for a
	// namespace that only a bind mount (or an ioctl-found relative) holds.
	Procs []*ProcInfo
	// NSFS lists the nsfs bind mounts of the namespace: their targets in
	// the caller's mount namespace, as lsns prints them; for a namespace
	// bound only in another mount namespace, a path that reaches it from
	// here, /proc/PID/root/TARGET.
	NSFS []string
	// NSFSHere says that NSFS are paths in the caller's own mount
	// namespace (the only table lsns reads), not /proc/PID/root paths.
	NSFSHere bool
	// Rel holds the nsfs ioctl answers (owner, parent) when asked for
	// and readable; HaveRel says whether it is filled.
	Rel     namespaces.Relations
	HaveRel bool
	// Mounts is the number of mounts in a mount namespace, -1 when not
	// counted or unreadable.
	Mounts int
	// Relative says that Relatives added it: no process of it was read.
	Relative bool
}

// NProcs is the number of processes in the namespace.
func (n *Namespace) NProcs() int { return len(n.Procs) }

// Lowest is the lowest-PID process in the namespace (nil when it has none):
// the one lsns shows in its PID, USER and COMMAND columns.
func (n *Namespace) Lowest() *ProcInfo {
	if len(n.Procs) == 0 {
		return nil
	}
	return n.Procs[0]
}

// Options choose what List finds and reads.
type Options struct {
	Types namespaces.TypeSet // namespace types to list
	// Details reads /proc/PID/status of every process (PPID, Name, State,
	// Threads): see ScanOptions.
	Details bool
	// Owners reads every process's UID (ScanOptions.Owners); without it
	// only the UID of each listed namespace's lowest-PID process, the one
	// that stands for it, is read: the others' stay 0.
	Owners bool
	// Relations asks nsfs for every namespace's owner and parent
	// (ioctl_ns(2)); needed for the PNS and ONS columns and the trees.
	Relations bool
	// BindMounts reads the mount table of every mount namespace once to
	// find nsfs bind mounts: namespaces that no process is in but a bind
	// mount holds open are listed (with no processes), and NSFS is filled.
	BindMounts bool
	// Mounts counts the mounts of each mount namespace.
	Mounts bool
	// Relatives implies Relations and adds the owners and parents that are
	// not listed, for the trees: those no process is in, and, when Types
	// leaves user (or pid) namespaces out, the user namespaces that own
	// the listed ones and the parents of listed pid namespaces, as lsns -T
	// -t TYPE shows them (with no processes: it did not read theirs).
	Relatives bool
}

// Listing is the result of List.
type Listing struct {
	Namespaces []*Namespace // by inode, then type
	Processes  []*ProcInfo  // every process seen, by PID
	// Denied counts processes whose namespaces the caller may not read;
	// UnreadMountTables counts mount namespaces whose table the caller
	// may not read (for nsfs bind mounts and MOUNTS).
	Denied            int
	UnreadMountTables int
}

// List makes one pass over /proc and groups the processes by
// namespace. Processes that exit during the scan are never an error.
func List(opts Options) (*Listing, error) {
	scanTypes := opts.Types
	if opts.BindMounts || opts.Mounts {
		// nsfs bind mounts live in mount tables: every mount namespace
		// must be known to find them, whatever types are listed.
		scanTypes = scanTypes.With(namespaces.Mnt)
	}
	scan, err := Scan(ScanOptions{Types: scanTypes, Details: opts.Details, Owners: opts.Owners})
	if err != nil {
		return nil, err
	}
	l := &Listing{Processes: scan.Processes, Denied: scan.Denied}
	byKey := map[nsKey]*Namespace{}
	var mntNS []*Namespace                   // every mount namespace, listed or not
	var last [namespaces.NumTypes]*Namespace // most processes share their predecessor's
	for _, p := range scan.Processes {
		for t := namespaces.Type(0); t < namespaces.NumTypes; t++ {
			ino := p.NS[t]
			if ino == 0 || !scanTypes.Has(t) {
				continue
			}
			if ns := last[t]; ns != nil && ns.Ino == ino {
				ns.Procs = append(ns.Procs, p)
				continue
			}
			k := nsKey{ino, t}
			ns := byKey[k]
			if ns == nil {
				ns = &Namespace{Ino: ino, Type: t, Mounts: -1}
				byKey[k] = ns
				if t == namespaces.Mnt {
					mntNS = append(mntNS, ns)
				}
			}
			ns.Procs = append(ns.Procs, p) // PIDs arrive in ascending order
			last[t] = ns
		}
	}
	if opts.BindMounts || opts.Mounts {
		l.UnreadMountTables = readMountTables(mntNS, byKey, opts)
	}
	for k, ns := range byKey {
		if opts.Types.Has(k.t) {
			l.Namespaces = append(l.Namespaces, ns)
		}
	}
	sortNamespaces(l.Namespaces)
	if !opts.Owners {
		readLowestOwners(l.Namespaces)
	}
	if opts.Relations || opts.Relatives {
		parallel.Do(len(l.Namespaces), func(i int) {
			ns := l.Namespaces[i]
			ns.Rel, ns.HaveRel = namespaceRelations(ns)
		})
	}
	if opts.Relatives {
		l.Namespaces = addRelatives(l.Namespaces)
	}
	return l, nil
}

// readLowestOwners reads the UID of each namespace's lowest-PID process
// (a process that exited since the scan keeps UID 0).
func readLowestOwners(list []*Namespace) {
	var lowest []*ProcInfo
	seen := map[*ProcInfo]bool{}
	for _, ns := range list {
		if p := ns.Lowest(); p != nil && !seen[p] {
			seen[p] = true
			lowest = append(lowest, p)
		}
	}
	parallel.Do(len(lowest), func(i int) { _ = lowest[i].ReadOwner() })
}

// addRelatives adds the owners and parents of the listed namespaces that
// are not listed because no process is in them (a user namespace whose
// only process exited while a network namespace it owns lives on), as lsns
// does for its trees: nsfs hands out a file descriptor for them
// (NS_GET_USERNS, NS_GET_PARENT), which is all there is to know of them.
func addRelatives(list []*Namespace) []*Namespace {
	have := map[nsKey]bool{}
	for _, ns := range list {
		have[nsKey{ns.Ino, ns.Type}] = true
	}
	var visit func(fd int, ns *Namespace)
	visit = func(fd int, ns *Namespace) {
		try := func(req uint, ino uint64, t namespaces.Type) {
			if ino == 0 || ino == ns.Ino || have[nsKey{ino, t}] {
				return
			}
			rfd, err := unix.IoctlRetInt(fd, req)
			if err != nil {
				return
			}
			defer unix.Close(rfd)
			r, err := namespaces.RelationsOfFD(rfd, "")
			if err != nil || r.Ino != ino {
				return
			}
			rel := &Namespace{Ino: ino, Type: r.Type, Rel: r, HaveRel: true, Mounts: -1, Relative: true}
			have[nsKey{ino, r.Type}] = true
			list = append(list, rel)
			visit(rfd, rel)
		}
		try(unix.NS_GET_USERNS, ns.Rel.Owner, namespaces.User)
		if ns.Type == namespaces.Pid || ns.Type == namespaces.User {
			try(unix.NS_GET_PARENT, ns.Rel.Parent, ns.Type)
		}
	}
	for _, ns := range append([]*Namespace(nil), list...) {
		if !ns.HaveRel || (have[nsKey{ns.Rel.Owner, namespaces.User}] || ns.Rel.Owner == 0) &&
			(have[nsKey{ns.Rel.Parent, ns.Type}] || ns.Rel.Parent == 0) {
			continue
		}
		for _, path := range namespacePaths(ns) {
			fd, err := namespaces.Open(path)
			if err != nil {
				continue
			}
			var st unix.Stat_t
			if unix.Fstat(fd, &st) == nil && st.Ino == ns.Ino {
				visit(fd, ns)
				unix.Close(fd)
				break
			}
			unix.Close(fd)
		}
	}
	sortNamespaces(list)
	return list
}

type nsKey struct {
	ino uint64
	t   namespaces.Type
}

func sortNamespaces(list []*Namespace) {
	sort.Slice(list, func(i, j int) bool {
		if list[i].Ino != list[j].Ino {
			return list[i].Ino < list[j].Ino
		}
		return list[i].Type < list[j].Type
	})
}

// namespaceRelations asks nsfs about a namespace through the first of its
// processes that is still there (or its bind mount), checking the inode so
// that a reused PID cannot answer for another namespace.
func namespaceRelations(ns *Namespace) (namespaces.Relations, bool) {
	for _, path := range namespacePaths(ns) {
		r, err := namespaces.ReadRelations(path)
		if err == nil && r.Ino == ns.Ino && r.Type == ns.Type {
			return r, true
		}
	}
	return namespaces.Relations{}, false
}

// namespacePaths are the files through which a namespace can be opened:
// its processes' /proc/PID/ns/TYPE links, then its bind mounts.
func namespacePaths(ns *Namespace) []string {
	paths := make([]string, 0, len(ns.Procs)+len(ns.NSFS))
	for _, p := range ns.Procs {
		paths = append(paths, namespaces.ProcPath(p.PID, ns.Type))
	}
	return append(paths, ns.NSFS...)
}

// readMountTables reads the mount table of each mount namespace once,
// through the lowest-PID process in it that is still alive, to count its
// mounts and find its nsfs bind mounts. It returns how many tables it was
// refused (a mount namespace whose processes have all exited is no error).
func readMountTables(mntNS []*Namespace, byKey map[nsKey]*Namespace, opts Options) (unread int) {
	type table struct {
		pid    int
		lines  int
		nsfs   []mountinfo.Mount
		read   bool
		denied bool // unreadable for want of permission, not gone
	}
	tables := make([]table, len(mntNS))
	parallel.Do(len(mntNS), func(i int) {
		buf := tableBufs.Get().(*[]byte)
		defer tableBufs.Put(buf)
		for _, p := range mntNS[i].Procs {
			b, err := readWhole("/proc/"+strconv.Itoa(p.PID)+"/mountinfo", (*buf)[:0])
			*buf = b
			if err == nil && len(b) > 0 {
				tables[i] = table{pid: p.PID, lines: bytes.Count(b, []byte{'\n'}), nsfs: nsfsMounts(b), read: true}
				return
			}
			if err == unix.EACCES || err == unix.EPERM {
				// Reading another process's mountinfo needs ptrace
				// read access (proc(5)); other errors mean it exited.
				tables[i].denied = true
			}
		}
	})

	self, _ := namespaces.Of(0, namespaces.Mnt)
	type binding struct{ own, other []string }
	bound := map[nsKey]*binding{}
	var order []nsKey // first-seen order, for stable output
	for i, mns := range mntNS {
		t := tables[i]
		if !t.read {
			if t.denied {
				unread++
			}
			continue
		}
		if opts.Mounts {
			mns.Mounts = t.lines
		}
		if !opts.BindMounts {
			continue
		}
		own := mns.Ino == self.Ino
		for _, m := range t.nsfs {
			k, ok := parseNSFSRoot(m.Root)
			if !ok {
				continue
			}
			b := bound[k]
			if b == nil {
				b = &binding{}
				bound[k] = b
				order = append(order, k)
			}
			if own {
				b.own = appendNew(b.own, m.Target)
			} else {
				b.other = appendNew(b.other, "/proc/"+strconv.Itoa(t.pid)+"/root"+m.Target)
			}
		}
	}
	for _, k := range order {
		b := bound[k]
		paths := b.own
		if len(paths) == 0 {
			paths = b.other
		}
		ns := byKey[k]
		if ns == nil {
			// No process is in it: only the bind mount keeps it alive.
			ns = &Namespace{Ino: k.ino, Type: k.t, Mounts: -1}
			byKey[k] = ns
		}
		ns.NSFS, ns.NSFSHere = paths, len(b.own) > 0
	}
	return unread
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// tableBufs holds buffers for reading mount tables: each table is only
// counted and searched for nsfs lines, so one buffer serves many.
var tableBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// nsfsMounts returns the mounts of filesystem type nsfs in a mountinfo
// text, parsing only their lines.
func nsfsMounts(table []byte) []mountinfo.Mount {
	if !bytes.Contains(table, []byte(" - nsfs ")) {
		return nil // the common case: one pass of a fast search
	}
	var out []mountinfo.Mount
	for len(table) > 0 {
		line := table
		if i := bytes.IndexByte(table, '\n'); i >= 0 {
			line, table = table[:i], table[i+1:]
		} else {
			table = nil
		}
		if !bytes.Contains(line, []byte(" - nsfs ")) {
			continue
		}
		if m, err := mountinfo.ParseLine(string(line)); err == nil && m.FSType == "nsfs" {
			out = append(out, m)
		}
	}
	return out
}

// parseNSFSRoot reads the root of an nsfs mount, "net:[4026532281]".
func parseNSFSRoot(root string) (nsKey, bool) {
	t, ino, ok := namespaces.ParseLink(root)
	return nsKey{ino, t}, ok
}
