package crossns

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/nslist"
)

// Load finds every mount namespace this process can see — those of
// processes, those held only by an nsfs bind mount, and those held only by
// an open file descriptor — and reads each one's table once: from a member
// process, or for a namespace no process is in, from a thread that joins it
// for the read. Unread counts the namespaces whose table could not be read
// (another user's, without root); a namespace that ends while Load runs is
// left out.
func Load() (m *Machine, unread int, err error) {
	list, err := nslist.List(nslist.Options{
		Types:      namespaces.TypeSet(0).With(namespaces.Mnt),
		BindMounts: true,
		Relations:  true,
	})
	if err != nil {
		return nil, 0, err
	}
	m = &Machine{}
	byIno := map[uint64]*Namespace{}
	opener := map[*Namespace]string{} // a file to open the namespace by
	for _, l := range list.Namespaces {
		ns := &Namespace{Ino: l.Ino, Holders: append([]string(nil), l.NSFS...)}
		if l.HaveRel {
			ns.UserNS = l.Rel.Owner
		}
		for _, p := range l.Procs {
			ns.PIDs = append(ns.PIDs, p.PID)
		}
		if len(l.NSFS) > 0 {
			opener[ns] = l.NSFS[0]
		}
		byIno[ns.Ino] = ns
		m.Namespaces = append(m.Namespaces, ns)
	}
	for _, h := range heldByFD() {
		ns := byIno[h.ino]
		if ns == nil {
			ns = &Namespace{Ino: h.ino}
			byIno[h.ino] = ns
			m.Namespaces = append(m.Namespaces, ns)
		}
		ns.Holders = append(ns.Holders, fmt.Sprintf("pid %d fd %d", h.pid, h.fd))
		if _, ok := opener[ns]; !ok {
			opener[ns] = fmt.Sprintf("/proc/%d/fd/%d", h.pid, h.fd)
		}
	}
	keep := m.Namespaces[:0]
	for _, ns := range m.Namespaces {
		var err error
		if len(ns.PIDs) > 0 {
			ns.Owner = NamespaceOwner(ns.PIDs)
			ns.Mounts, err = mountinfo.Read(ns.PIDs[0])
		} else {
			ns.Mounts, err = readJoined(opener[ns])
			if err == nil && ns.UserNS == 0 {
				if r, rerr := namespaces.ReadRelations(opener[ns]); rerr == nil {
					ns.UserNS = r.Owner
				}
			}
		}
		switch {
		case errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM):
			unread++
			continue
		case err != nil:
			continue // its last process exited meanwhile (ESRCH, EINVAL, ENOENT)
		}
		keep = append(keep, ns)
	}
	m.Namespaces = keep
	sort.Slice(m.Namespaces, func(i, j int) bool { return m.Namespaces[i].Ino < m.Namespaces[j].Ino })
	return m, unread, nil
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
			if err != nil || !strings.HasPrefix(link, "mnt:[") {
				continue
			}
			ino, err := strconv.ParseUint(strings.TrimSuffix(link[5:], "]"), 10, 64)
			fd, _ := strconv.Atoi(f.Name())
			if err == nil {
				out = append(out, fdHold{pid: pid, fd: fd, ino: ino})
			}
		}
	}
	return out
}

// readJoined reads the mount table of the namespace that path (an nsfs
// file) names, from a thread that joins it. setns(2) into a mount namespace
// needs a thread that shares no filesystem attributes: unshare(CLONE_FS)
// first.
func readJoined(path string) (mounts []mountinfo.Mount, err error) {
	onSpareThread(func() { mounts, err = readFromInside(path) })
	return mounts, err
}

// onSpareThread runs fn on a locked OS thread that is not the main thread
// and that ends with fn: a thread fn moved into another namespace must
// never run Go code again. A goroutine that exits locked ends its thread,
// except on the main thread (the runtime keeps that one: /proc/self/ns
// names the main thread's namespaces), so when the goroutine lands there,
// it holds it and hands fn to a second goroutine, which cannot run on a
// thread locked to another.
func onSpareThread(fn func()) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() != unix.Getpid() {
			fn()
			close(done)
			return // locked: the thread ends
		}
		inner := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			fn()
			close(inner)
		}()
		<-inner
		runtime.UnlockOSThread() // the main thread was not touched
		close(done)
	}()
	<-done
}

func readFromInside(path string) ([]mountinfo.Mount, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	// The table is read through this process's own /proc, opened before
	// the join: once in, the thread's root is the namespace's, where /proc
	// may not be mounted at all.
	task, err := unix.Open("/proc/self/task/"+strconv.Itoa(unix.Gettid()), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(task)
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return nil, fmt.Errorf("unshare(CLONE_FS): %w", err)
	}
	if err := unix.Setns(fd, unix.CLONE_NEWNS); err != nil {
		return nil, fmt.Errorf("setns %s: %w", path, err)
	}
	tf, err := unix.Openat(task, "mountinfo", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(tf), "mountinfo")
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	mounts, _, err := mountinfo.Parse(bytes.NewReader(b))
	return mounts, err
}
