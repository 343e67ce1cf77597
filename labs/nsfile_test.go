package labs

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// The checks on namespace files, judged on a namespace that a bind mount
// alone keeps, as `unshare --mount=FILE` leaves it: each passes when the
// kernel's state matches and says what it saw when it does not.
func TestNamespaceFileChecks(t *testing.T) {
	d := nstest.Tmpfs(t)
	nstest.EmptyFiles(t, d+"/mnt", d+"/plain")
	mustMount(t, "", d, "", unix.MS_PRIVATE)
	keeper := nstest.BoundMountNS(t, d+"/mnt", "unshare", "-m", "sh", "-c", "mount -t tmpfs keep /mnt && exec sleep 1000")
	held := nstest.Inode(t, d+"/mnt")
	w := testStages.world(&State{Actors: map[string]int{"host": os.Getpid()}})
	type cases = []struct {
		check string
		ok    bool
		saw   string
	}
	checks := func(step string, cases cases) {
		t.Helper()
		for _, tc := range cases {
			c, err := ParseCheck(strings.ReplaceAll(tc.check, "D", d))
			if err != nil {
				t.Fatalf("%s: %v", tc.check, err)
			}
			w.mounts, w.nsTables = nil, nil // a new `lab check`
			r := w.Evaluate([]Check{c})[0]
			saw := strings.ReplaceAll(r.Saw, d, "D")
			if r.OK != tc.ok || (!tc.ok && !strings.Contains(saw, tc.saw)) {
				t.Errorf("%s: %s: ok=%v saw %q; want ok=%v saw ~%q", step, tc.check, r.OK, saw, tc.ok, tc.saw)
			}
		}
	}
	link := fmt.Sprintf("mnt:[%d]", held)
	checks("a process in it", cases{
		{"host D/mnt holds a mnt namespace", true, ""},
		{"host D/mnt holds a namespace", true, ""},
		{"host D/mnt holds a net namespace", false, link + ", a mnt namespace, not a net one"},
		{"host D/mnt holds no namespace", false, "D/mnt holds " + link},
		{"host D/mnt holds a namespace a process is in", true, ""},
		{"host D/mnt holds a namespace no process is in", false, "a process is in it: " + strconv.Itoa(keeper.Process.Pid) + " (sleep)"},
		{"host D/mnt holds a namespace where /mnt is mounted tmpfs", true, ""},
		{"host D/mnt holds a namespace where /mnt is mounted ext4", false, "/mnt in the namespace on D/mnt (" + link + ") is a tmpfs mount, not ext4"},
		{"host D/mnt holds a namespace where /mnt is not mounted", false, "is a mount point (tmpfs keep)"},
		{"host D/mnt holds a namespace where /nowhere is mounted", false, "/nowhere in the namespace on D/mnt (" + link + ") is not a mount point"},
		{"host D/plain holds a namespace", false, "D/plain is a file on tmpfs, no namespace file: nothing is bound on it"},
		{"host D/plain holds no namespace", true, ""},
		{"host D/absent holds a namespace", false, "D/absent: no such file or directory"},
		{"host /proc/self/ns/net holds a net namespace", true, ""},
		{"host /proc/self/ns/net holds a namespace where /mnt is mounted", false, "a net namespace: it has no mounts of its own"},
	})
	// The process ends: the file alone keeps the namespace, and its mounts.
	nstest.Stop(keeper)
	checks("no process in it", cases{
		{"host D/mnt holds a namespace no process is in", true, ""},
		{"host D/mnt holds a namespace a process is in", false, "holds " + link + ", which no process is in: only the file keeps it"},
		{"host D/mnt holds a namespace where /mnt is mounted tmpfs", true, ""},
	})

	// Answers: the namespace's inode (as nstool ls and lsns show it, or as
	// readlink does), and a PID of a process in it.
	type answerCases = []struct {
		answer, check string
		ok            bool
		saw           string
	}
	answers := func(cases answerCases) {
		t.Helper()
		for _, tc := range cases {
			c, err := ParseCheck(strings.ReplaceAll(tc.check, "D", d))
			if err != nil {
				t.Fatal(err)
			}
			w.Answer = tc.answer
			if r := w.Evaluate([]Check{c})[0]; r.OK != tc.ok || !strings.Contains(r.Saw, tc.saw) {
				t.Errorf("answer %q, %s: ok=%v (%s), want %v ~%q", tc.answer, tc.check, r.OK, r.Saw, tc.ok, tc.saw)
			}
		}
	}
	own := strconv.FormatUint(nstest.MountNS(t, os.Getpid()), 10)
	answers(answerCases{
		{strconv.FormatUint(held, 10), "answer is namespace of host D/mnt", true, ""},
		{link, "answer is namespace of host D/mnt", true, ""},
		{own, "answer is namespace of host D/mnt", false, "is host's own mnt namespace, not the one on " + d + "/mnt"},
		{"42", "answer is namespace of host D/mnt", false, `"42" is not the namespace on`},
		{"42", "answer is namespace of host D/plain", false, "nothing is bound on it"},
		{strconv.Itoa(os.Getpid()), "answer is a pid in host D/mnt", false, "is in mnt:[" + own + "], not in the namespace on " + d + "/mnt (" + link + ")"},
		{"me", "answer is a pid in host D/mnt", false, `"me" is no PID`},
	})
	joiner := nstest.Sleeper(t, "nsenter", "--mount="+d+"/mnt", "sleep", "1000")
	answers(answerCases{{strconv.Itoa(joiner.Process.Pid), "answer is a pid in host D/mnt", true, ""}})
	nstest.Stop(joiner)

	// umount of the file: it is a plain file again.
	if err := unix.Unmount(d+"/mnt", 0); err != nil {
		t.Fatal(err)
	}
	checks("unmounted", cases{
		{"host D/mnt holds no namespace", true, ""},
		{"host D/mnt holds a mnt namespace", false, "D/mnt is a file on tmpfs, no namespace file"},
	})
}

// What lab 12 tells of the kernel, on this kernel: a mount namespace file
// cannot be bound where propagation would copy it (a shared mount with a
// peer: EINVAL, util-linux unshare and nstool's alike), can on a private
// mount; a network namespace file on a shared mount propagates to a slave
// copy made before it (ip netns add); a copy of a mount namespace leaves
// the mount namespace files out.
func TestWhatLab12Says(t *testing.T) {
	d := nstest.Tmpfs(t)
	mustMount(t, "", d, "", unix.MS_SHARED)
	nstest.EmptyFiles(t, d+"/mnt", d+"/net")
	// A service started before, whose copy of d is a slave.
	svc := nstest.Sleeper(t, "unshare", "-m", "--propagation", "slave", "sleep", "1000")
	// util-linux unshare and nstool's are refused alike; nstool says why.
	for _, argv := range [][]string{{"unshare"}, {nstooltest.Binary(t), "unshare"}} {
		out, err := exec.Command(argv[0], append(argv[1:], "--mount="+d+"/mnt", "true")...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "Invalid argument") {
			t.Errorf("%s --mount=FILE on a shared mount: %v, %s; want EINVAL", argv, err, out)
		}
		if want := d + "/mnt is on the shared mount " + d + ": a mount namespace file cannot be bound there; make it private first: `nstool mount --make-private " + d + "`"; len(argv) > 1 && !strings.Contains(string(out), want) {
			t.Errorf("nstool unshare --mount=FILE on a shared mount says %q, want it to say %q", out, want)
		}
	}
	// A file in a folder of the shared mount: nstool gives the fix unshare(1)
	// shows, the folder as a private mount of its own.
	nstest.MkdirAll(t, d+"/ns")
	nstest.EmptyFiles(t, d+"/ns/mnt")
	out, _ := exec.Command(nstooltest.Binary(t), "unshare", "--mount="+d+"/ns/mnt", "true").CombinedOutput()
	if want := "give its folder a private mount of its own: `nstool mount --bind " + d + "/ns " + d + "/ns && nstool mount --make-private " + d + "/ns`"; !strings.Contains(string(out), want) {
		t.Errorf("nstool unshare --mount=FILE in a folder of a shared mount says %q, want it to say %q", out, want)
	}
	// A new namespace's own copy of the shared mount is a peer: the bind
	// of its file would be copied into it.
	peer := nstest.Sleeper(t, "unshare", "-m", "--propagation", "unchanged", "sleep", "1000")
	err := unix.Mount(fmt.Sprintf("/proc/%d/ns/mnt", peer.Process.Pid), d+"/mnt", "", unix.MS_BIND, "")
	if err != unix.EINVAL {
		t.Errorf("bind of a mount namespace file on a shared mount with a peer: %v, want EINVAL", err)
		unix.Unmount(d+"/mnt", unix.MNT_DETACH)
	}
	// The network namespace file travels: the slave made before receives it.
	netns := nstest.Sleeper(t, "unshare", "-n", "sleep", "1000")
	nstest.Mount(t, fmt.Sprintf("/proc/%d/ns/net", netns.Process.Pid), d+"/net", "", unix.MS_BIND, "")
	t.Cleanup(func() { unix.Unmount(d+"/net", unix.MNT_DETACH) })
	svcTable := nstest.ReadMountinfo(t, fmt.Sprintf("/proc/%d/mountinfo", svc.Process.Pid))
	if m := svcTable.Top(d + "/net"); m == nil || m.FSType != "nsfs" {
		t.Errorf("the service's copy has no %s/net: the network namespace file did not propagate", d)
	}
	// On a private mount of its own the mount namespace file is taken, and
	// a namespace copied then has no copy of it.
	mustMount(t, d, d, "", unix.MS_BIND)
	t.Cleanup(func() { unix.Unmount(d, unix.MNT_DETACH) }) // before the file's, which is under it
	mustMount(t, "", d, "", unix.MS_PRIVATE)
	nstest.Stop(nstest.BoundMountNS(t, d+"/mnt", "unshare", "-m", "sleep", "1000"))
	copied := nstest.Sleeper(t, "unshare", "-m", "sleep", "1000")
	table := nstest.ReadMountinfo(t, fmt.Sprintf("/proc/%d/mountinfo", copied.Process.Pid))
	if m := table.Top(d + "/mnt"); m != nil {
		t.Errorf("a copy of the namespace has the mount namespace file %s/mnt: %+v", d, m)
	}
	if m := table.Top(d + "/net"); m == nil {
		t.Errorf("a copy of the namespace has no network namespace file %s/net", d)
	}
}
