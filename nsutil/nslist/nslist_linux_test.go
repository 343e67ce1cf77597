package nslist_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/nsutil/namespaces"
	. "github.com/nstool/nstool/nsutil/nslist"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestParseNSType(t *testing.T) {
	for _, typ := range namespaces.AllTypes {
		got, err := namespaces.ParseType(typ.String())
		if err != nil || got != typ {
			t.Errorf("ParseNSType(%q) = %v, %v", typ.String(), got, err)
		}
	}
	if _, err := namespaces.ParseType("mount"); err == nil || err.Error() != "unknown namespace type: mount" {
		t.Errorf("ParseNSType(mount): %v", err)
	}
}

// The identity stat(2) gives is the inode readlink(2) shows.
func TestStatNSMatchesReadlink(t *testing.T) {
	for _, typ := range namespaces.AllTypes {
		id, err := namespaces.Of(0, typ)
		if err != nil {
			t.Fatal(err)
		}
		link, err := os.Readlink("/proc/self/ns/" + typ.String())
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%s:[%d]", typ, id.Ino); link != want {
			t.Errorf("%s: readlink %q, stat says %q", typ, link, want)
		}
		if id.Dev == 0 {
			t.Errorf("%s: no device", typ)
		}
	}
}

// start runs `sleep inf` in new namespaces and kills it in t.Cleanup.
func start(t *testing.T, flags uintptr, uidMap bool) int {
	t.Helper()
	attr := &syscall.SysProcAttr{Cloneflags: flags}
	if uidMap {
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}}
	}
	return nstest.SleepIn(t, attr)
}

// nsfs relations: a new user namespace's parent and owner is the caller's
// user namespace; a network namespace made with it is owned by it; a pid
// namespace's parent is the caller's.
func TestRelations(t *testing.T) {
	nstest.RequireRoot(t)
	pid := start(t, syscall.CLONE_NEWUSER|syscall.CLONE_NEWNET|syscall.CLONE_NEWPID, true)
	self := func(typ namespaces.Type) uint64 {
		id, err := namespaces.Of(0, typ)
		if err != nil {
			t.Fatal(err)
		}
		return id.Ino
	}
	user, err := namespaces.ReadRelations(namespaces.ProcPath(pid, namespaces.User))
	if err != nil {
		t.Fatal(err)
	}
	if user.Type != namespaces.User || user.Parent != self(namespaces.User) || user.Owner != self(namespaces.User) || user.OwnerUID != 0 {
		t.Errorf("user namespace relations %+v; want parent = owner = %d, creator 0", user, self(namespaces.User))
	}
	net, err := namespaces.ReadRelations(namespaces.ProcPath(pid, namespaces.Net))
	if err != nil {
		t.Fatal(err)
	}
	if net.Type != namespaces.Net || net.Owner != user.Ino || net.Parent != 0 || net.OwnerUID != -1 {
		t.Errorf("net namespace relations %+v; want owner %d", net, user.Ino)
	}
	pidns, err := namespaces.ReadRelations(namespaces.ProcPath(pid, namespaces.Pid))
	if err != nil {
		t.Fatal(err)
	}
	if pidns.Parent != self(namespaces.Pid) || pidns.Owner != user.Ino {
		t.Errorf("pid namespace relations %+v; want parent %d, owner %d", pidns, self(namespaces.Pid), user.Ino)
	}
	if uid, err := namespaces.CreatorUID(namespaces.ProcPath(pid, namespaces.Net)); err != nil || uid != 0 {
		t.Errorf("CreatorUID(net) = %d, %v", uid, err)
	}
}

// The scan finds every namespace of a process and the right count.
func TestListNamespacesCounts(t *testing.T) {
	nstest.RequireRoot(t)
	a := start(t, syscall.CLONE_NEWUTS|syscall.CLONE_NEWIPC, false)
	l, err := List(Options{Types: namespaces.AllTypeSet, BindMounts: true, Mounts: true, Relations: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range namespaces.AllTypes {
		id, err := namespaces.Of(a, typ)
		if err != nil {
			t.Fatal(err)
		}
		var ns *Namespace
		for _, n := range l.Namespaces {
			if n.Ino == id.Ino && n.Type == typ {
				ns = n
			}
		}
		if ns == nil {
			t.Errorf("%s namespace %d of PID %d not listed", typ, id.Ino, a)
			continue
		}
		// Other processes on the host come and go: every process the
		// scan put in the namespace must still be in it, or gone.
		for _, p := range ns.Procs {
			if other, err := namespaces.Of(p.PID, typ); err == nil && other.Ino != id.Ino {
				t.Errorf("%s: PID %d listed in %d, /proc says %d", typ, p.PID, id.Ino, other.Ino)
			}
		}
		if typ == namespaces.Uts || typ == namespaces.Ipc {
			// Only the child is in these: the count is exact.
			if ns.NProcs() != 1 || ns.Lowest().PID != a {
				t.Errorf("%s: %d processes, lowest %v; want only %d", typ, ns.NProcs(), ns.Lowest(), a)
			}
		}
		if typ == namespaces.Mnt && ns.Mounts <= 0 {
			t.Errorf("mount namespace: %d mounts", ns.Mounts)
		}
		if !ns.HaveRel || ns.Rel.Type != typ {
			t.Errorf("%s: relations not read: %+v", typ, ns.Rel)
		}
	}
	for i := 1; i < len(l.Namespaces); i++ {
		p, q := l.Namespaces[i-1], l.Namespaces[i]
		if p.Ino > q.Ino || p.Ino == q.Ino && p.Type >= q.Type {
			t.Fatalf("not sorted: %d %s before %d %s", p.Ino, p.Type, q.Ino, q.Type)
		}
	}
}

// Processes that exit during the scan are never an error: a shell keeps
// starting and reaping short-lived processes, some in new namespaces, while
// the scan runs again and again; a long-lived process in its own namespace
// is found every time, with its count right.
func TestScanWhileProcessesExit(t *testing.T) {
	nstest.RequireRoot(t)
	stable := start(t, syscall.CLONE_NEWUTS, false)
	stableNS, err := namespaces.Of(stable, namespaces.Uts)
	if err != nil {
		t.Fatal(err)
	}
	nstest.Churn(t, "-u -m")
	seen := map[int]bool{}
	maxOne := 0
	for i := 0; i < 60; i++ {
		l, err := List(Options{Types: namespaces.AllTypeSet, Details: i%2 == 0, BindMounts: true, Mounts: true, Relatives: true})
		if err != nil {
			t.Fatalf("scan %d: %v", i, err)
		}
		for _, p := range l.Processes {
			seen[p.PID] = true
		}
		maxOne = max(maxOne, len(l.Processes))
		found := false
		for _, ns := range l.Namespaces {
			if ns.Ino == stableNS.Ino && ns.Type == namespaces.Uts {
				found = true
				if ns.NProcs() != 1 || ns.Lowest().PID != stable {
					t.Fatalf("scan %d: stable namespace has %d processes", i, ns.NProcs())
				}
			}
		}
		if !found {
			t.Fatalf("scan %d: the stable process's namespace is missing", i)
		}
	}
	// The scans saw processes come and go, or the test proved nothing.
	if len(seen) < maxOne+50 {
		t.Errorf("only %d distinct PIDs over the scans (at most %d at once): no churn", len(seen), maxOne)
	}
	t.Logf("%d distinct PIDs over 60 scans, at most %d at once", len(seen), maxOne)
}

func TestReadCmdlineAsLsns(t *testing.T) {
	nstest.RequireRoot(t)
	pid := start(t, 0, false)
	if got := ReadCmdline(pid); got != "sleep inf" {
		t.Errorf("ReadCmdline = %q", got)
	}
	if got := ReadComm(pid); got != "sleep" {
		t.Errorf("ReadComm = %q", got)
	}
	if got := ReadCmdline(2); got != "" { // kthreadd: no command line
		t.Errorf("ReadCmdline(kthreadd) = %q", got)
	}
	p := &ProcInfo{PID: pid}
	if err := p.ReadDetails(); err != nil || p.Name != "sleep" || p.PPID != os.Getpid() || p.Threads != 1 || !strings.ContainsRune("RSD", rune(p.State)) {
		t.Errorf("ReadDetails: %+v, %v", p, err)
	}
	_ = strconv.Itoa
}

// Without Options.Owners, List reads the UID of each namespace's lowest-PID
// process only (the one its row shows); with it, every process's. The
// kernel's answer is the owner of /proc/PID (proc(5)): a sleeper as nobody
// in a new UTS namespace, and a second process (uid 1234) that joins it.
func TestListOwners(t *testing.T) {
	nstest.RequireRoot(t)
	lowest := nstest.SleepIn(t, &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUTS,
		Credential: &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}}})
	joiner := nstest.Sleeper(t, "nsenter", "-t", strconv.Itoa(lowest), "-u",
		"setpriv", "--reuid=1234", "--regid=1234", "--clear-groups", "sleep", "inf").Process.Pid
	uts := nstest.Inode(t, namespaces.ProcPath(lowest, namespaces.Uts))
	for _, owners := range []bool{false, true} {
		l, err := List(Options{Types: namespaces.TypeSet(0).With(namespaces.Uts), Owners: owners})
		if err != nil {
			t.Fatal(err)
		}
		var ns *Namespace
		for _, n := range l.Namespaces {
			if n.Ino == uts {
				ns = n
			}
		}
		if ns == nil || len(ns.Procs) != 2 || ns.Procs[0].PID != lowest || ns.Procs[1].PID != joiner {
			t.Fatalf("owners %v: the sleepers' UTS namespace %d: %+v", owners, uts, ns)
		}
		wantJoiner := uint32(0) // not read
		if owners {
			wantJoiner = 1234
		}
		if got := ns.Procs[0].UID; got != 65534 {
			t.Errorf("owners %v: lowest PID's UID %d, want 65534", owners, got)
		}
		if got := ns.Procs[1].UID; got != wantJoiner {
			t.Errorf("owners %v: joiner's UID %d, want %d", owners, got, wantJoiner)
		}
	}
}
