package mount

import (
	"testing"

	"github.com/nstool/nstool/nsutil"
)

func BenchmarkParseMountOptions(b *testing.B) {
	for b.Loop() {
		_, _ = nsutil.ParseMountOptions("rw,nosuid,nodev,noexec,relatime,size=65536k,mode=755,shared,rslave,x-systemd.automount")
	}
}
