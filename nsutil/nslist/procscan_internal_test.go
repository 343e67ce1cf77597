package nslist

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/namespaces"
)

func TestParseStatus(t *testing.T) {
	status := "Name:\ta\\\\b\\nc\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t42\nNgid:\t0\nPid:\t42\nPPid:\t7\n" +
		"TracerPid:\t0\nUid:\t1000\t1001\t1000\t1000\nThreads:\t3\n"
	var p ProcInfo
	if !parseStatus([]byte(status), &p) {
		t.Fatal("parseStatus failed")
	}
	if p.Name != "a\\b\nc" || p.State != 'S' || p.PPID != 7 || p.Threads != 3 {
		t.Errorf("got %+v", p)
	}
	if parseStatus([]byte("Name:\tx\nState:\tR\n"), &p) {
		t.Error("a status without PPid and Threads was accepted")
	}
}

func TestLinkInode(t *testing.T) {
	for in, want := range map[string]uint64{
		"net:[4026531840]":  4026531840,
		"cgroup:[12]":       12,
		"net:[]":            0,
		"net:[12x]":         0,
		"anon_inode:[pidfd": 0,
		"":                  0,
	} {
		if got := linkInode([]byte(in)); got != want {
			t.Errorf("linkInode(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestParseNSFSRoot(t *testing.T) {
	k, ok := parseNSFSRoot("uts:[4026532252]")
	if !ok || k.ino != 4026532252 || k.t != namespaces.Uts {
		t.Errorf("got %+v, %v", k, ok)
	}
	for _, bad := range []string{"/", "uts:[x]", "disk:[1]", "net:4026532252", "net:[1"} {
		if _, ok := parseNSFSRoot(bad); ok {
			t.Errorf("parseNSFSRoot(%q) accepted", bad)
		}
	}
}

func TestNSFSMounts(t *testing.T) {
	table := "22 1 0:5 / / rw - tmpfs tmpfs rw\n" +
		"40 22 0:4 net:[4026532281] /run/netns/a rw,nosuid - nsfs nsfs rw\n" +
		"41 22 0:4 uts:[4026532282] /tmp/a\\040b rw - nsfs nsfs rw\n" +
		"42 22 0:30 / /mnt/nsfs rw - tmpfs nsfs rw\n"
	got := nsfsMounts([]byte(table))
	if len(got) != 2 || got[0].Target != "/run/netns/a" || got[1].Target != "/tmp/a b" || got[1].Root != "uts:[4026532282]" {
		t.Errorf("got %+v", got)
	}
}

// readProcess, with its raw readlinkat(2) relative to /proc, finds the
// caller's own namespaces as stat(2) of /proc/self/ns/TYPE does, and reads
// only the links asked for.
func TestReadProcessSelf(t *testing.T) {
	proc, err := unix.Open("/proc", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(proc)
	for _, types := range []namespaces.TypeSet{namespaces.AllTypeSet, namespaces.TypeSet(0).With(namespaces.Mnt).With(namespaces.Time)} {
		var p ProcInfo
		ok, denied := readProcess(proc, os.Getpid(), ScanOptions{Types: types, Details: true, Owners: true}, &p)
		if !ok || denied {
			t.Fatalf("readProcess(self) = %v, %v", ok, denied)
		}
		if p.PID != os.Getpid() || p.UID != uint32(os.Geteuid()) || p.PPID != os.Getppid() || (p.State != 'R' && p.State != 'S') { // the thread group leader's state
			t.Errorf("got PID %d UID %d PPID %d State %c", p.PID, p.UID, p.PPID, p.State)
		}
		for _, typ := range namespaces.AllTypes {
			want := uint64(0)
			if types.Has(typ) {
				id, err := namespaces.Of(0, typ)
				if err != nil {
					t.Fatal(err)
				}
				want = id.Ino
			}
			if p.NS[typ] != want {
				t.Errorf("types %b: %s inode %d, want %d", types, typ, p.NS[typ], want)
			}
		}
	}
	if ok, _ := readProcess(proc, 1<<30, ScanOptions{Types: namespaces.AllTypeSet}, &ProcInfo{}); ok {
		t.Error("a PID that does not exist was read")
	}
}

// The kernel is the oracle for the "Name:" line's escapes: a thread named
// with the control characters a kernel may escape there (prctl(2)
// PR_SET_NAME; 6.18 escapes only \\ and \n, older ones more) reads back
// from its status as its comm file gives the name, the blanks it starts
// with too (the kernel writes one tab after "Name:", then the name).
func TestStatusNameAsTheKernelEscapesIt(t *testing.T) {
	const name = "\t q\t\r\f\v\a\x1b\\\"\n"
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		tid := strconv.Itoa(unix.Gettid())
		b := append([]byte(name), 0)
		if err := unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&b[0])), 0, 0, 0); err != nil {
			done <- err
			return
		}
		status, err := os.ReadFile("/proc/self/task/" + tid + "/status")
		if err != nil {
			done <- err
			return
		}
		comm, err := os.ReadFile("/proc/self/task/" + tid + "/comm")
		if err != nil {
			done <- err
			return
		}
		var p ProcInfo
		if !parseStatus(status, &p) {
			done <- fmt.Errorf("parseStatus failed on %q", status)
			return
		}
		if want := strings.TrimSuffix(string(comm), "\n"); p.Name != want || want != name {
			done <- fmt.Errorf("Name %q, comm %q, set %q (status %q)", p.Name, want, name, status)
			return
		}
		done <- nil
	}()
	if err := <-done; err != nil {
		t.Error(err)
	}
}
