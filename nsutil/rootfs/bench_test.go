package rootfs

import (
	"fmt"
	"os"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// BenchmarkBuild makes the default root with nstool in it, into a tmpfs
// (so every file is copied: the aim is under 0.3 s), and on the host's
// filesystem (hard links).
func BenchmarkBuild(b *testing.B) {
	bin := nstooltest.Binary(b)
	for _, where := range []string{"tmpfs", "same-filesystem"} {
		b.Run(where, func(b *testing.B) {
			var base string
			if where == "tmpfs" {
				base = bigTmpfs(b)
			} else {
				base = b.TempDir()
			}
			i := 0
			var bytes int64
			for b.Loop() {
				dir := fmt.Sprintf("%s/%d", base, i)
				i++
				if err := os.Mkdir(dir, 0o755); err != nil {
					b.Fatal(err)
				}
				m, err := Build(dir, Options{Nstool: bin})
				if err != nil {
					b.Fatal(err)
				}
				bytes = m.Bytes
				b.StopTimer()
				if err := os.RemoveAll(dir); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.SetBytes(bytes)
		})
	}
}
