package labs

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountid"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/nstest"
)

func mustMount(t *testing.T, src, dst, fstype string, flags uintptr) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	nstest.Mount(t, src, dst, fstype, flags, "")
}

// A tree of every propagation type, made in the test's private namespace,
// judged by checks as a lab would: each check passes when the kernel state
// matches and, when it does not, says what it saw.
func TestChecksOnTheKernel(t *testing.T) {
	d := nstest.Tmpfs(t)
	mustMount(t, "src", d+"/src", "tmpfs", 0)
	mustMount(t, "", d+"/src", "", unix.MS_SHARED)
	mustMount(t, d+"/src", d+"/peer", "", unix.MS_BIND)
	mustMount(t, d+"/src", d+"/slave", "", unix.MS_BIND)
	mustMount(t, "", d+"/slave", "", unix.MS_SLAVE)
	mustMount(t, d+"/src", d+"/sslave", "", unix.MS_BIND)
	mustMount(t, "", d+"/sslave", "", unix.MS_SLAVE)
	mustMount(t, "", d+"/sslave", "", unix.MS_SHARED)
	mustMount(t, d+"/src", d+"/private", "", unix.MS_BIND)
	mustMount(t, "", d+"/private", "", unix.MS_PRIVATE)
	mustMount(t, d+"/src", d+"/unb", "", unix.MS_BIND)
	mustMount(t, "", d+"/unb", "", unix.MS_UNBINDABLE)
	mustMount(t, "new", d+"/src/new", "tmpfs", 0)
	if err := os.WriteFile(d+"/src/hello", []byte("hello, lab\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mounts, err := mountinfo.Read(0)
	if err != nil {
		t.Fatal(err)
	}
	var srcGroup, srcID int
	if m := mounts.Top(d + "/src"); m != nil {
		srcGroup, srcID = m.PeerGroup, m.ID
	}

	w := testStages.world(&State{Actors: map[string]int{"host": os.Getpid()}})
	expectChecks(t, w, d, []checkCase{
		{"host D/src is shared", true, ""},
		{"host D/src is private", false, "D/src is shared"},
		{"host D/peer is peer of host D/src", true, ""},
		{"host D/slave is peer of host D/src", false, "is a slave of host D/src's peer group, not in it"},
		{"host D/sslave is peer of host D/src", false, "shared,slave: a slave of host D/src's peer group and in a group of its own"},
		{"host D/private is peer of host D/src", false, "private (in no peer group"},
		{"host D/private/x is peer of host D/src", false, "D/private/x is not a mount point"},
		{"host D/src is peer of host D/private", false, "host D/private is private (in no peer group, receives nothing), so nothing can be its peer"},
		{"host D/peer is not peer of host D/src", false, "in the same peer group"},
		{"host D/slave is slave", true, ""},
		{"host D/slave is slave of host D/src", true, ""},
		{"host D/peer is slave of host D/src", false, "is a peer of host D/src"},
		{"host D/sslave is shared,slave", true, ""},
		{"host D/sslave is slave of host D/src", true, ""},
		{"host D/private is private", true, ""},
		{"host D/unb is unbindable", true, ""},
		{"host D/unb is not bindable", true, ""},
		{"host D/src is not bindable", false, "a bind of host D/src works"},
		{"host D/src is bindable", true, ""},
		{"host D/src is not locked", true, ""},
		{"host D/src is not locked", true, ""}, // twice: the probe must leave the mount in place
		{"host D/src is locked", false, "works: the mount is not locked"},
		{"host D/src/new is mounted tmpfs", true, ""},
		{"host D/peer/new is mounted", true, ""},
		{"host D/slave/new is mounted", true, ""},
		{"host D/private/new is mounted", false, "D/private/new is not a mount point"},
		{"host D/private/new is not mounted", true, ""},
		{"host D/src is mounted ext4", false, "is a tmpfs mount, not ext4"},
		{"host D/src/hello exists", true, ""},
		{"host D/src/nothing exists", false, "does not exist"},
		{"host D/src/hello contains lab", true, ""},
		{"host D/src/hello contains moon", false, `holds "hello, lab"`},
		{"host D has 11 mounts", true, ""},
		{"host D has at least 3 mounts", true, ""},
		{"host D has at most 3 mounts", false, "has 11 mounts"},
		{"host D/nowhere is shared", false, "is not a mount point"},
		{"ghost D/src is shared", false, `no actor "ghost"`},
		{"host D/src is peer of ghost D/src", false, `no actor "ghost"`},
	})

	// Who made a mount: D/src/new was mounted there, its peer's and its
	// slaves' copies came by propagation. Without 64-bit mount IDs (before
	// Linux 6.8) the check can only see that one receives from the other.
	for _, tc := range []struct {
		check            string
		ok, okWithoutIDs bool
		saw              string
	}{
		{"host D/peer/new came from host D/src/new", true, true, ""},
		{"host D/slave/new came from host D/src/new", true, true, ""},
		{"host D/src/new came from host D/peer/new", false, true, "host D/src/new is the original, mounted in host's namespace, and host D/peer/new is the copy"},
		{"host D/src/new came from host D/slave/new", false, false, ""},
		{"host D/src/new came from host D/src", false, false, "two filesystems"},
		{"host D/private/x came from host D/src", false, false, "is not a mount point"},
	} {
		c, err := ParseCheck(strings.ReplaceAll(tc.check, "D", d))
		if err != nil {
			t.Fatal(err)
		}
		r := w.Evaluate([]Check{c})[0]
		if saw := strings.ReplaceAll(r.Saw, d, "D"); r.OK != tc.ok || !strings.Contains(saw, tc.saw) {
			t.Errorf("%s: ok=%v saw %q; want ok=%v saw ~%q", tc.check, r.OK, saw, tc.ok, tc.saw)
		}
		old := &World{Actors: w.Actors, MountID: func(string) (uint64, int, error) { return 0, 0, mountid.ErrUnsupported }}
		if r := old.Evaluate([]Check{c})[0]; r.OK != tc.okWithoutIDs {
			t.Errorf("%s without 64-bit mount IDs: ok=%v (%s), want %v", tc.check, r.OK, r.Saw, tc.okWithoutIDs)
		}
	}

	// Answers: the learner reads numbers, the check compares with the kernel.
	for _, tc := range []struct {
		answer, check string
		ok            bool
	}{
		{itoa(srcGroup), "answer is peer group of host D/src", true},
		{"shared:" + itoa(srcGroup), "answer is peer group of host D/src", true},
		{itoa(srcGroup + 100000), "answer is peer group of host D/src", false},
		{itoa(srcID), "answer is peer group of host D/src", false},
		{itoa(srcGroup), "answer is master of host D/slave", true},
		{itoa(srcID), "answer is mount id of host D/src", true},
		{nsID(os.Getpid()), "answer is mnt ns of host", true},
		{strings.TrimSuffix(strings.TrimPrefix(nsID(os.Getpid()), "mnt:["), "]"), "answer is mnt ns of host", true},
		{"", "answer is 42", false},
		{"42", "answer is 42", true},
	} {
		c, err := ParseCheck(strings.ReplaceAll(tc.check, "D", d))
		if err != nil {
			t.Fatal(err)
		}
		w.Answer = tc.answer
		if r := w.Evaluate([]Check{c})[0]; r.OK != tc.ok {
			t.Errorf("answer %q, %s: ok=%v (%s), want %v", tc.answer, tc.check, r.OK, r.Saw, tc.ok)
		}
		if tc.answer == itoa(srcID) && !tc.ok {
			if r := w.Evaluate([]Check{c})[0]; !strings.Contains(r.Saw, "is the mount ID of "+d+"/src") {
				t.Errorf("a wrong answer should say what the number is: %q", r.Saw)
			}
		}
	}
}

// A checkCase is a check line (D stands for the test's directory), whether
// it passes, and part of what it says when it fails.
type checkCase struct {
	check string
	ok    bool
	saw   string
}

// expectChecks evaluates each case's check in w, d put for D.
func expectChecks(t *testing.T, w *World, d string, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		c, err := ParseCheck(strings.ReplaceAll(tc.check, "D", d))
		if err != nil {
			t.Fatalf("%s: %v", tc.check, err)
		}
		r := w.Evaluate([]Check{c})[0]
		saw := strings.ReplaceAll(r.Saw, d, "D")
		if r.OK != tc.ok || (!tc.ok && !strings.Contains(saw, tc.saw)) {
			t.Errorf("%s: ok=%v saw %q; want ok=%v saw ~%q", tc.check, r.OK, saw, tc.ok, tc.saw)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
