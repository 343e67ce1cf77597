package mount

import (
	"fmt"
	"io"
	"testing"

	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/mountopt"
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
	b.ResetTimer()
	for b.Loop() {
		ExplainChange(io.Discard, false, before, after, focus)
	}
}

func BenchmarkParseMountOptions(b *testing.B) {
	for b.Loop() {
		_, _ = mountopt.Parse("rw,nosuid,nodev,noexec,relatime,size=65536k,mode=755,shared,rslave,x-systemd.automount")
	}
}
