package mount

import (
	"testing"

	"github.com/nstool/nstool/nsutil/mountopt"
)

func BenchmarkParseMountOptions(b *testing.B) {
	for b.Loop() {
		_, _ = mountopt.Parse("rw,nosuid,nodev,noexec,relatime,size=65536k,mode=755,shared,rslave,x-systemd.automount")
	}
}
