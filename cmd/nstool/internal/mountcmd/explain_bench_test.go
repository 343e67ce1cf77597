package mountcmd

import (
	"fmt"
	"io"
	"testing"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// --explain diffs two mount tables per call: linear in the table, so it
// stays cheap on hosts with thousands of mounts.
func BenchmarkExplainChange10k(b *testing.B) {
	var before, after []mountinfo.Mount
	for i := 1; i <= 10000; i++ {
		m := mountinfo.Mount{ID: i, Parent: max(1, i/2), Target: fmt.Sprintf("/m/%d", i)}
		before = append(before, m)
		if i%3 == 0 {
			m.PeerGroup = i
		}
		after = append(after, m)
	}
	focus := mountinfo.Table(before).Subtree(1)
	e := &Explainer{W: io.Discard, On: true}
	b.ResetTimer()
	for b.Loop() {
		e.Change(before, after, focus)
	}
}
