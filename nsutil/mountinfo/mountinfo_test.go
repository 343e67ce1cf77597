package mountinfo

import (
	"os"
	"strings"
	"testing"
)

func TestParseMountinfoLine(t *testing.T) {
	cases := []struct {
		line string
		want Mount
	}{
		{
			"36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
			Mount{ID: 36, Parent: 35, Major: 98, Minor: 0, Root: "/mnt1", Target: "/mnt2", VFSOptions: "rw,noatime",
				Optional: "master:1", Propagation: Propagation{Master: 1}, FSType: "ext3", Source: "/dev/root", FSOptions: "rw,errors=continue"},
		},
		{
			`100 1 0:50 / /a\040b\134c rw shared:7 master:3 propagate_from:2 - tmpfs my\011src rw,size=1k`,
			Mount{ID: 100, Parent: 1, Major: 0, Minor: 50, Root: "/", Target: "/a b\\c", VFSOptions: "rw",
				Optional: "shared:7 master:3 propagate_from:2", Propagation: Propagation{PeerGroup: 7, Master: 3, PropagateFrom: 2},
				FSType: "tmpfs", Source: "my\tsrc", FSOptions: "rw,size=1k"},
		},
		{
			"5 1 0:5 / /u rw unbindable - tmpfs  rw",
			Mount{ID: 5, Parent: 1, Major: 0, Minor: 5, Root: "/", Target: "/u", VFSOptions: "rw", Optional: "unbindable",
				Propagation: Propagation{Unbindable: true}, FSType: "tmpfs", FSOptions: "rw"},
		},
	}
	for _, c := range cases {
		got, err := ParseLine(c.line)
		if err != nil {
			t.Errorf("%q: %v", c.line, err)
			continue
		}
		if got != c.want {
			t.Errorf("%q:\n got %+v\nwant %+v", c.line, got, c.want)
		}
	}
}

func TestPropagationString(t *testing.T) {
	for p, want := range map[Propagation]string{
		{}:                               "private",
		{PeerGroup: 1}:                   "shared",
		{Master: 2}:                      "private,slave",
		{PeerGroup: 1, Master: 2}:        "shared,slave",
		{Unbindable: true}:               "private,unbindable",
		{Master: 4, Unbindable: true}:    "private,slave,unbindable",
		{PeerGroup: 3, PropagateFrom: 9}: "shared",
	} {
		if got := p.String(); got != want {
			t.Errorf("%+v: got %q, want %q", p, got, want)
		}
	}
}

func TestParseMountinfoBadLines(t *testing.T) {
	in := "1 0 0:1 / / rw - rootfs rootfs rw\ngarbage here\n\n2 1 0:2 / /x rw shared:x - tmpfs t rw\n3 1 0:3 / /y rw - tmpfs t rw\n"
	mounts, bad, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(mounts) != 2 || mounts[0].ID != 1 || mounts[1].ID != 3 {
		t.Errorf("mounts = %+v, want IDs 1 and 3", mounts)
	}
	if len(bad) != 2 || bad[0].Line != 2 || bad[1].Line != 4 {
		t.Errorf("bad lines = %v, want lines 2 and 4", bad)
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`plain`: "plain", `a\040b`: "a b", `\134`: `\`, `end\04`: `end\04`, `\x41`: `\x41`, `\012\011`: "\n\t",
	} {
		if got := Unescape(in); got != want {
			t.Errorf("Unescape(%q) = %q, want %q", in, got, want)
		}
	}
}

// The live table must parse without a bad line.
func TestReadMountinfoSelf(t *testing.T) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Skip("no /proc/self/mountinfo:", err)
	}
	mounts, bad, err := Parse(strings.NewReader(string(data)))
	if err != nil || len(bad) != 0 {
		t.Fatalf("err=%v bad=%v", err, bad)
	}
	if want := strings.Count(string(data), "\n"); len(mounts) != want {
		t.Errorf("parsed %d mounts, file has %d lines", len(mounts), want)
	}
}

// FuzzParseMountinfoLine: the strict reading never panics, gives no
// negative group, and keeps only lines the lenient reading keeps, with the
// same values.
func FuzzParseMountinfoLine(f *testing.F) {
	f.Add("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue")
	f.Add(`100 1 0:50 / /a\040b rw shared:7 master:3 propagate_from:2 - tmpfs  rw`)
	f.Add("1 1 1:1 / / rw unbindable - - - -")
	f.Add("1 2 3: 4 / / rw - a  b c")
	f.Fuzz(func(t *testing.T, line string) {
		m, err := ParseLine(line)
		var lm Mount
		ok := ParseLineLenient(line, &lm)
		if err != nil {
			return
		}
		if m.PeerGroup < 0 || m.Master < 0 || m.PropagateFrom < 0 {
			t.Errorf("negative group from %q", line)
		}
		if !ok {
			t.Fatalf("strict keeps %q, lenient drops it", line)
		}
		lm.Optional = m.Optional // the strict reading puts one space between fields
		if lm != m {
			t.Fatalf("%q:\nstrict  %+v\nlenient %+v", line, m, lm)
		}
	})
}
