package mountinfo

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

const stacked = `1 1 0:1 / / rw shared:1 - ext4 /dev/vda rw
10 1 0:10 / /srv rw shared:7 - tmpfs a rw
11 10 0:11 / /srv/x rw master:7 - tmpfs b rw
12 1 0:12 / /srv rw shared:9 master:7 - tmpfs c rw
13 12 0:13 / /srv/y rw unbindable - tmpfs d rw
14 1 0:14 / /srvx rw - tmpfs e rw
`

func stackedTable(t *testing.T) Table {
	tab, bad, err := Parse(strings.NewReader(stacked))
	if err != nil || bad != nil {
		t.Fatal(err, bad)
	}
	return tab
}

func TestTableQueries(t *testing.T) {
	tab := stackedTable(t)
	if m := tab.Top("/srv"); m == nil || m.ID != 12 {
		t.Errorf("Top(/srv) = %+v, want the later mount, 12", m)
	}
	if m := tab.Top("/nowhere"); m != nil {
		t.Errorf("Top(/nowhere) = %+v", m)
	}
	if m := tab.ByID(11); m == nil || m.Target != "/srv/x" {
		t.Errorf("ByID(11) = %+v", m)
	}
	if m := tab.Containing("/srv/y/file"); m == nil || m.ID != 13 {
		t.Errorf("Containing(/srv/y/file) = %+v", m)
	}
	if m := tab.Containing("/srvx2"); m == nil || m.ID != 1 {
		t.Errorf("Containing(/srvx2) = %+v, want /", m)
	}
	var ids []int
	for _, m := range tab.Under("/srv") {
		ids = append(ids, m.ID)
	}
	if !slices.Equal(ids, []int{10, 11, 12, 13}) {
		t.Errorf("Under(/srv) = %v", ids)
	}
	if got := slices.Sorted(maps.Keys(tab.Subtree(1))); !slices.Equal(got, []int{10, 11, 12, 13, 14}) {
		t.Errorf("Subtree(1) = %v", got)
	}
	if kids := tab.Children()[1]; len(kids) != 3 || kids[0].ID != 10 || kids[2].ID != 14 {
		t.Errorf("children of 1: %+v", kids)
	}
}

// Canonical renames groups in order of first appearance and sorts by
// target, stacked mounts by ID.
func TestCanonical(t *testing.T) {
	want := " tmpfs shared:g1\n tmpfs shared:g2 master:g1\n/x tmpfs master:g1\n/y tmpfs unbindable\n"
	if got := stackedTable(t).Canonical("/srv"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// A mount stacked on another comes after it even when the kernel gave it
// the lower ID (it hands out the lowest free one).
func TestCanonicalStackNotByID(t *testing.T) {
	const lines = `1 0 8:1 / / rw - ext4 /dev/sda1 rw
20 1 0:30 / /srv rw shared:5 - tmpfs a rw
9 20 0:31 / /srv rw - tmpfs b rw
`
	tab, bad, err := Parse(strings.NewReader(lines))
	if err != nil || bad != nil {
		t.Fatal(err, bad)
	}
	if got, want := tab.Canonical("/srv"), " tmpfs shared:g1\n tmpfs private\n"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
