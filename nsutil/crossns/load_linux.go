package crossns

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/internal/parallel"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/nslist"
)

// Load finds every mount namespace this process can see — those of
// processes, those held only by an nsfs bind mount, and those held only by
// an open file descriptor — and reads each one's table once: from a member
// process, or for a namespace no process is in, from a thread that joins it
// for the read. Unread counts the namespaces whose table could not be read
// (another user's, without root; the processes whose namespaces cannot be
// seen at all are counted in Machine.DeniedProcesses); a namespace that
// ends while Load runs is left out.
//
// One pass over /proc finds the processes' namespaces; their tables are
// read side by side (parallel.Do), and the nsfs bind mounts found in them
// name the namespaces that only a bind holds.
func Load() (m *Machine, unread int, err error) {
	scan, err := nslist.Scan(nslist.ScanOptions{Types: namespaces.TypeSet(0).With(namespaces.Mnt).With(namespaces.User)})
	if err != nil {
		return nil, 0, err
	}
	m = &Machine{}
	byIno := map[uint64]*Namespace{}
	for _, p := range scan.Processes {
		ino := p.NS[namespaces.Mnt]
		if ino == 0 {
			continue
		}
		ns := byIno[ino]
		if ns == nil {
			ns = &Namespace{Ino: ino, UserNS: p.NS[namespaces.User]}
			byIno[ino] = ns
			m.Namespaces = append(m.Namespaces, ns)
		}
		ns.PIDs = append(ns.PIDs, p.PID)
	}
	m.DeniedProcesses = scan.Denied
	// The open files that hold namespaces are looked for while the tables
	// are read: the kernel writing mountinfo is the cost, and both CPUs
	// share it better with this beside it.
	fdHolds := make(chan []fdHold, 1)
	go func() { fdHolds <- heldByFD() }()
	errs := make([]error, len(m.Namespaces))
	parallel.Do(len(m.Namespaces), func(i int) {
		ns := m.Namespaces[i]
		ns.Mounts, errs[i] = mountinfo.Read(ns.PIDs[0])
		if errs[i] == nil {
			ns.Owner = NamespaceOwner(ns.PIDs)
		}
	})
	// Namespaces that no process is in: held by an nsfs bind mount (seen in
	// the tables just read, from here through /proc/PID/root) or by an
	// open file.
	opener := map[*Namespace]string{}
	held := func(ino uint64, holder, open string) {
		ns := byIno[ino]
		if ns == nil {
			ns = &Namespace{Ino: ino}
			byIno[ino] = ns
			m.Namespaces = append(m.Namespaces, ns)
			errs = append(errs, nil)
		}
		if len(ns.PIDs) == 0 {
			ns.Holders = append(ns.Holders, holder)
			if _, ok := opener[ns]; !ok {
				opener[ns] = open
			}
		}
	}
	ownIno := ownMountNamespace()
	for i, ns := range m.Namespaces[:len(errs)] {
		if errs[i] != nil {
			continue
		}
		for _, mt := range ns.Mounts {
			if mt.FSType != "nsfs" {
				continue
			}
			if t, ino, ok := namespaces.ParseLink(mt.Root); ok && t == namespaces.Mnt {
				path := mt.Target
				if ns.Ino != ownIno {
					path = "/proc/" + strconv.Itoa(ns.PIDs[0]) + "/root" + mt.Target
				}
				held(ino, path, path)
			}
		}
	}
	for _, h := range <-fdHolds {
		held(h.ino, fmt.Sprintf("pid %d fd %d", h.pid, h.fd), fmt.Sprintf("/proc/%d/fd/%d", h.pid, h.fd))
	}
	for i, ns := range m.Namespaces {
		if len(ns.PIDs) > 0 {
			continue
		}
		ns.Mounts, errs[i] = mountinfo.ReadJoined(opener[ns])
		if errs[i] == nil {
			if r, rerr := namespaces.ReadRelations(opener[ns]); rerr == nil {
				ns.UserNS = r.Owner
			}
		}
	}
	keep := m.Namespaces[:0]
	for i, ns := range m.Namespaces {
		switch err := errs[i]; {
		case errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM):
			unread++
		case err != nil:
			// its last process exited meanwhile (ESRCH, EINVAL, ENOENT)
		default:
			keep = append(keep, ns)
		}
	}
	m.Namespaces = keep
	sort.Slice(m.Namespaces, func(i, j int) bool { return m.Namespaces[i].Ino < m.Namespaces[j].Ino })
	return m, unread, nil
}

// ownMountNamespace is the inode of the caller's mount namespace.
func ownMountNamespace() uint64 {
	id, err := namespaces.Of(0, namespaces.Mnt)
	if err != nil {
		return 0
	}
	return id.Ino
}

// fdHold is a mount namespace file held open by a process.
type fdHold struct {
	pid, fd int
	ino     uint64
}

// heldByFD lists the mount namespace files that processes hold open: an
// open /proc/PID/ns/mnt keeps its namespace alive after every process in it
// has gone (namespaces(7), "The namespace lifetime").
func heldByFD() []fdHold {
	var out []fdHold
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		dir := "/proc/" + p.Name() + "/fd"
		fds, _ := os.ReadDir(dir)
		for _, f := range fds {
			link, err := os.Readlink(dir + "/" + f.Name())
			if err != nil {
				continue
			}
			if t, ino, ok := namespaces.ParseLink(link); ok && t == namespaces.Mnt {
				fd, _ := strconv.Atoi(f.Name())
				out = append(out, fdHold{pid: pid, fd: fd, ino: ino})
			}
		}
	}
	return out
}
