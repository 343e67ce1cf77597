package mountinfo

import (
	"strings"
	"testing"
)

// What libmount keeps and the strict reading refuses, and what both refuse.
func TestLenientAndStrict(t *testing.T) {
	for _, c := range []struct {
		line    string
		lenient bool   // libmount keeps it
		strict  string // the strict reading's complaint, "" when it keeps it too
		want    Mount  // what the lenient reading makes of it (when kept)
	}{
		{line: "25 20 0:23 / /tmp rw,nosuid shared:5 - tmpfs tmpfs rw,size=10240k", lenient: true,
			want: Mount{ID: 25, Parent: 20, Minor: 23, Root: "/", Target: "/tmp", VFSOptions: "rw,nosuid", Optional: "shared:5",
				Propagation: Propagation{PeerGroup: 5}, FSType: "tmpfs", Source: "tmpfs", FSOptions: "rw,size=10240k"}},
		{line: "2 1 0:2 / /x rw shared:x - tmpfs t rw", lenient: true, strict: `bad optional field "shared:x"`,
			want: Mount{ID: 2, Parent: 1, Minor: 2, Root: "/", Target: "/x", VFSOptions: "rw", Optional: "shared:x", FSType: "tmpfs", Source: "t", FSOptions: "rw"}},
		{line: "3 1 1:2x / /y rw - tmpfs t rw", lenient: true, strict: `bad major:minor "1:2x"`,
			want: Mount{ID: 3, Parent: 1, Major: 1, Minor: 2, Root: "/", Target: "/y", VFSOptions: "rw", FSType: "tmpfs", Source: "t", FSOptions: "rw"}},
		{line: "4294967297 1 0:1 / /z rw - tmpfs t rw", lenient: true, strict: "bad mount ID",
			want: Mount{ID: 1, Parent: 1, Minor: 1, Root: "/", Target: "/z", VFSOptions: "rw", FSType: "tmpfs", Source: "t", FSOptions: "rw"}},
		{line: "22 20 0:21 / /sys rw - sysfs", lenient: false},
		{line: "22 20 0:21 / /sys rw - sysfs sysfs", lenient: false}, // no superblock options
		{line: "22 20 0:21 / /sys rw - sysfs sysfs ", lenient: false},
		{line: "22 20 0:21 / /sys rw - sysfs sysfs rw extra", lenient: true, strict: "too few fields",
			want: Mount{ID: 22, Parent: 20, Minor: 21, Root: "/", Target: "/sys", VFSOptions: "rw", FSType: "sysfs", Source: "sysfs", FSOptions: "rw"}},
		{line: "24 20 0:22 / /no-separator rw tmpfs t rw", lenient: false},
		{line: "23 20 x:y / /bad rw - tmpfs t rw", lenient: false},
		{line: "this is not a mountinfo line", lenient: false},
		{line: "5 1 0:5 / /u rw unbindable - tmpfs  rw", lenient: true,
			want: Mount{ID: 5, Parent: 1, Minor: 5, Root: "/", Target: "/u", VFSOptions: "rw", Optional: "unbindable",
				Propagation: Propagation{Unbindable: true}, FSType: "tmpfs", FSOptions: "rw"}},
	} {
		var m Mount
		ok := ParseLineLenient(c.line, &m)
		if ok != c.lenient || ok && m != c.want {
			t.Errorf("lenient %q:\n got %v %+v\nwant %v %+v", c.line, ok, m, c.lenient, c.want)
		}
		_, err := ParseLine(c.line)
		switch {
		case !c.lenient && err == nil:
			t.Errorf("strict %q: kept a line libmount drops", c.line)
		case c.lenient && c.strict == "" && err != nil:
			t.Errorf("strict %q: %v", c.line, err)
		case c.strict != "" && (err == nil || err.Error() != c.strict):
			t.Errorf("strict %q: %v, want %q", c.line, err, c.strict)
		}
	}
}

func TestLibmountFlags(t *testing.T) {
	for opt, want := range map[string]string{
		"": "private", "shared:1": "shared", "master:2": "private,slave", "shared:x unbindable": "shared,unbindable",
		"xshared:1": "shared", "propagate_from:3": "private",
	} {
		if got := LibmountFlags(opt).String(); got != want {
			t.Errorf("%q: %q, want %q", opt, got, want)
		}
	}
	if v := OptionalValue("shared:x master:3", "master"); v != "3" {
		t.Errorf("master of %q", v)
	}
	if v := OptionalValue("shared:x", "shared"); v != "x" {
		t.Errorf("shared:x gives %q", v)
	}
}

func TestIsMountinfoLine(t *testing.T) {
	for line, want := range map[string]bool{
		"1 2 0:1 / / rw - a b c": true, "  +1\t-2": true, "/dev/sda / ext4": false, "1": false, "Filename\tType": false,
	} {
		if IsMountinfoLine(line) != want {
			t.Errorf("%q: want %v", line, want)
		}
	}
}

// Lines counts every line, blank ones too, and drops "\r\n".
func TestLines(t *testing.T) {
	l := NewLines(strings.NewReader("a\r\n\nb"))
	var got []string
	for l.Scan() {
		got = append(got, strings.Repeat("+", l.Number())+l.Text())
	}
	if strings.Join(got, ",") != "+a,++,+++b" || l.Err() != nil {
		t.Errorf("got %q, %v", got, l.Err())
	}
}

// Fields: fstab(5)'s rules for a line of fields.
func TestFields(t *testing.T) {
	f := NewFields(`LABEL=a\040b	/mnt  ext4 1x`)
	if s := f.Next(); s != "LABEL=a b" {
		t.Errorf("first field %q", s)
	}
	f.SkipBlanks()
	if s := f.Next(); s != "/mnt" {
		t.Errorf("second field %q", s)
	}
	f.SkipBlanks()
	f.Next()
	if n, ok, _ := f.Int32(); ok || n != 0 || f.Rest() != "x" {
		t.Errorf("1x: %d %v, rest %q", n, ok, f.Rest())
	}
}
