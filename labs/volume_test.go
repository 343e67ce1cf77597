package labs

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

func TestParseVolume(t *testing.T) {
	for _, tc := range []struct{ spec, want, err string }{
		{"/lab/data:/data", "/lab/data:/data:rprivate", ""},
		{"/lab/data:/data/:rslave", "/lab/data:/data:rslave", ""},
		{"/a:/b:shared", "/a:/b:shared", ""},
		{"/a:/b:bogus", "", "invalid mode: bogus"},
		{"data:/b", "", "must be absolute"},
		{"/a", "", "invalid volume specification"},
		{"/a:/b:rw:x", "", "invalid volume specification"},
	} {
		v, err := ParseVolume(tc.spec)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.spec, err, tc.err)
		case tc.err == "" && (err != nil || v.String() != tc.want):
			t.Errorf("%s: %v %v, want %s", tc.spec, v, err, tc.want)
		}
	}
}

// The root propagation Docker gives the container for its volumes (moby
// daemon/oci_linux.go, WithMounts), from the actor's --propagation.
func TestRootPropagation(t *testing.T) {
	vol := func(mode string) []Volume { return []Volume{{Src: "/s", Dst: "/d", Mode: mode}} }
	for _, tc := range []struct {
		prop, mode, want string
	}{
		{"private", "rprivate", "rprivate"},
		{"private", "rslave", "rslave"},
		{"private", "rshared", "shared"},
		{"slave", "rshared", "shared"},
		{"slave", "slave", "rslave"},
		{"shared", "rslave", "rshared"},
		{"unchanged", "rshared", "unchanged"},
		{"private", "", "rprivate"},
	} {
		var vols []Volume
		if tc.mode != "" {
			vols = vol(tc.mode)
		}
		if got := rootPropagation(tc.prop, vols); got != tc.want {
			t.Errorf("--propagation %s, volume %s: root %s, want %s", tc.prop, tc.mode, got, tc.want)
		}
	}
}

// Docker's refusals name the mount that holds the source, read from the
// runtime's own table: the longest mount point at or above it.
func TestCheckSource(t *testing.T) {
	var tab []mountinfo.Mount
	for _, line := range []string{
		"1 0 0:1 / / rw - tmpfs root rw",
		"2 1 0:2 / /lab rw - tmpfs lab rw",
		"3 2 0:3 / /lab/vol rw shared:7 - tmpfs vol rw",
		"4 2 0:4 / /lab/volume rw - tmpfs volume rw",
		"5 2 0:5 / /lab/sl rw master:7 - tmpfs sl rw",
	} {
		m, err := mountinfo.ParseLine(line)
		if err != nil {
			t.Fatal(err)
		}
		tab = append(tab, m)
	}
	for _, tc := range []struct{ src, mode, err string }{
		{"/lab/vol/x", "rshared", ""},
		{"/lab/volume", "rshared", "path /lab/volume is mounted on /lab/volume but it is not a shared mount"},
		{"/lab/sl", "rslave", ""},
		{"/lab/sl", "shared", "path /lab/sl is mounted on /lab/sl but it is not a shared mount"},
		{"/lab", "slave", "path /lab is mounted on /lab but it is not a shared or slave mount"},
		{"/lab", "private", ""},
	} {
		v := Volume{Src: tc.src, Dst: "/d", Mode: tc.mode}
		// EvalSymlinks needs the path to exist: the table is a fixture, so
		// check the holder directly.
		m := holder(tab, tc.src)
		err := v.refusal(m)
		switch {
		case tc.err == "" && err != nil, tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("%s %s: %v, want %q", tc.src, tc.mode, err, tc.err)
		}
	}
}
