package crossns

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// table makes a namespace of a root mount and one tmpfs at /data with the
// given propagation.
func table(ino uint64, p mountinfo.Propagation) *Namespace {
	return &Namespace{Ino: ino, PIDs: []int{int(ino)}, Mounts: []mountinfo.Mount{
		{ID: 1, Parent: 0, Major: 8, Minor: 1, Root: "/", Target: "/"},
		{ID: 2, Parent: 1, Major: 0, Minor: 50, Root: "/", Target: "/data", Propagation: p},
	}}
}

// TestWhyLinks: a slave of a slave is reached through the group between,
// named with a mount in it; a private copy is the break.
func TestWhyLinks(t *testing.T) {
	m := &Machine{Namespaces: []*Namespace{
		table(100, mountinfo.Propagation{PeerGroup: 1}),
		table(200, mountinfo.Propagation{PeerGroup: 2, Master: 1}),
		table(300, mountinfo.Propagation{Master: 2}),
		table(400, mountinfo.Propagation{}),
	}}
	c, err := m.Why(0, "/data/x", 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"/data in the source namespace is shared (shared:1)",
		"shared:2 is a slave of shared:1 (/data in mnt:[200] is in it)",
		"/data there is a slave of shared:2",
	}
	if !c.Receives || strings.Join(c.At, ",") != "/data/x" || strings.Join(c.Links, "\n") != strings.Join(want, "\n") {
		t.Errorf("Why to a slave of a slave: %+v\nwant links:\n%s", c, strings.Join(want, "\n"))
	}
	c, err = m.Why(0, "/data/x", 3)
	if err != nil {
		t.Fatal(err)
	}
	if c.Receives || !strings.Contains(c.Break, "its copy at /data is private") || c.Fix == "" {
		t.Errorf("Why to a private copy: %+v", c)
	}
	c, err = m.Why(2, "/data/x", 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Receives || !strings.Contains(c.Rule, "sends nothing back") || !strings.HasPrefix(c.Fix, "nstool mount --make-shared /data") {
		t.Errorf("Why from a slave up to its master: %+v", c)
	}
}
