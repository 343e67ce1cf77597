package findmnt

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// bigMountinfo builds the table that scripts/bench/findmnt.sh makes for
// real: a tmpfs rbind-mounted onto its own subdirectories n times
// (2^n mounts under the root), as mountinfo text.
func bigMountinfo(n int) string {
	type mnt struct {
		id, parent int
		target     string
	}
	ms := []mnt{{id: 2, parent: 1, target: "/"}, {id: 3, parent: 2, target: "/b"}}
	next := 4
	for i := 1; i <= n; i++ {
		// copy every mount under /b (in ID order) to /b/d<i>
		var sub []mnt
		for _, m := range ms {
			if m.target == "/b" || strings.HasPrefix(m.target, "/b/") {
				sub = append(sub, m)
			}
		}
		newID := map[int]int{}
		for _, m := range sub {
			newID[m.id] = next
			next++
		}
		for _, m := range sub {
			p := newID[m.parent]
			if m.id == 3 {
				p = 3
			}
			ms = append(ms, mnt{id: newID[m.id], parent: p, target: fmt.Sprintf("/b/d%d%s", i, strings.TrimPrefix(m.target, "/b"))})
		}
	}
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%d %d 0:%d / %s rw,relatime shared:%d - tmpfs bench rw,size=1024k\n", m.id, m.parent, 40, m.target, 1)
	}
	return b.String()
}

func benchFindmnt(b *testing.B, args ...string) {
	data := bigMountinfo(14)
	for i := 0; i < b.N; i++ {
		tab := &mountTable{}
		if err := tab.parse(strings.NewReader(data), "big", 0, func(parseWarning) {}); err != nil {
			b.Fatal(err)
		}
		ios, _, _, _ := cli.Test()
		ios.Out = io.Discard
		o := &Options{IO: ios, Getenv: func(string) string { return "" }, Args: nil}
		for _, a := range args {
			if a == "-l" {
				o.List = true
			}
		}
		if err := runTable(o, tab); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTree is the parser, the tree and the output of 16k mounts.
func BenchmarkTree(b *testing.B) { benchFindmnt(b) }

// BenchmarkList is the same with -l.
func BenchmarkList(b *testing.B) { benchFindmnt(b, "-l") }

// BenchmarkReadTable is the parser alone on the same 16k mounts.
func BenchmarkReadTable(b *testing.B) {
	data := bigMountinfo(14)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		tab := &mountTable{}
		if err := tab.parse(strings.NewReader(data), "big", 0, func(parseWarning) {}); err != nil {
			b.Fatal(err)
		}
	}
}
