package mountopt_test

import (
	"errors"
	"reflect"
	"testing"

	"golang.org/x/sys/unix"

	. "github.com/nstool/nstool/nsutil/mountopt"
	"github.com/nstool/nstool/nsutil/sysfmt"
)

// The splits below are what util-linux 2.38.1 mount passes to mount(2)
// for the same -o lists (checked with strace on this machine).
func TestParseMountOptions(t *testing.T) {
	for _, c := range []struct {
		in    string
		flags uintptr
		prop  []uintptr
		data  string
	}{
		{"size=1m,mode=700,noexec,nosuid,ro,shared,noatime", unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NOEXEC | unix.MS_NOATIME, []uintptr{unix.MS_SHARED}, "size=1m,mode=700"},
		{"defaults,rw,exec,suid,dev,async,auto,nouser,_netdev,x-foo=1,X-bar,comment=abc,nofail,loud,relatime,strictatime,lazytime,dirsync,sync,nodiratime,iversion,nosymfollow,mand",
			unix.MS_SYNCHRONOUS | unix.MS_MANDLOCK | unix.MS_DIRSYNC | unix.MS_NOSYMFOLLOW | unix.MS_NODIRATIME | unix.MS_RELATIME | unix.MS_I_VERSION | unix.MS_STRICTATIME | unix.MS_LAZYTIME, nil, ""},
		{"shared,rslave,private", 0, []uintptr{unix.MS_SHARED, unix.MS_REC | unix.MS_SLAVE, unix.MS_PRIVATE}, ""},
		{"private,shared,private", 0, []uintptr{unix.MS_PRIVATE, unix.MS_SHARED}, ""},
		{"slave,shared,unbindable,rprivate,rshared,rslave,runbindable", 0, []uintptr{unix.MS_SLAVE, unix.MS_SHARED, unix.MS_UNBINDABLE, unix.MS_REC | unix.MS_PRIVATE}, ""},
		{"rbind,ro,nosuid", unix.MS_BIND | unix.MS_REC | unix.MS_RDONLY | unix.MS_NOSUID, nil, ""},
		{"ro,rw", 0, nil, ""},
		{"rw,ro", unix.MS_RDONLY, nil, ""},
		{"lowerdir=/l,upperdir=/u,workdir=/w", 0, nil, "lowerdir=/l,upperdir=/u,workdir=/w"},
		{`context="system_u:object_r:tmp_t:s0,c1",size=1m`, 0, nil, `context="system_u:object_r:tmp_t:s0,c1",size=1m`},
	} {
		o, err := Parse(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if o.Flags != c.flags || !reflect.DeepEqual(o.Propagation, c.prop) || o.Data != c.data {
			t.Errorf("%s:\n got flags %s prop %v data %q\nwant flags %s prop %v data %q", c.in,
				sysfmt.FormatMountFlags(o.Flags), o.Propagation, o.Data, sysfmt.FormatMountFlags(c.flags), c.prop, c.data)
		}
	}
	if _, err := Parse("loop,ro"); !errors.As(err, new(*UnsupportedOptionError)) {
		t.Errorf("loop: %v", err)
	}
	if o, _ := Parse("rshared"); !o.PropagationOnly() {
		t.Error("rshared is propagation only")
	}
	if o, _ := Parse("move"); !o.Move {
		t.Error("move")
	}
}

func TestMountinfoFlagsAndData(t *testing.T) {
	if got := MountinfoFlags("ro,nosuid,noexec,relatime"); got != unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NOEXEC|unix.MS_RELATIME {
		t.Errorf("flags %s", sysfmt.FormatMountFlags(got))
	}
	for super, want := range map[string]string{
		"rw,size=1024k,mode=700":          "size=1024k,mode=700",
		"ro,sync,dirsync,lazytime,mode=1": "sync,dirsync,lazytime,mode=1",
		"rw":                              "",
	} {
		if got := SuperOptions(super); got != want {
			t.Errorf("SuperOptions(%q) = %q, want %q", super, got, want)
		}
	}
}
