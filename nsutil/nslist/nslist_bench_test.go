package nslist

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/namespaces"
)

// Benchmarks for the /proc scan; scripts/bench/ls.sh runs nstool ls beside
// lsns on 2,000 processes. Besides wall time per op they report CPU time
// per op (user+system, all threads): on a shared machine it varies less.
func BenchmarkScanProcesses(b *testing.B) {
	for _, bc := range []struct {
		name  string
		types namespaces.TypeSet
	}{{"all", namespaces.AllTypeSet}, {"mnt", namespaces.TypeSet(0).With(namespaces.Mnt)}} {
		b.Run(bc.name, func(b *testing.B) {
			benchCPU(b, func() {
				if _, err := Scan(ScanOptions{Types: bc.types}); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkListNamespaces(b *testing.B) {
	benchCPU(b, func() {
		if _, err := List(Options{Types: namespaces.AllTypeSet, BindMounts: true, Mounts: true}); err != nil {
			b.Fatal(err)
		}
	})
}

// benchCPU runs f b.N times and reports the process's CPU time per run.
func benchCPU(b *testing.B, f func()) {
	cpu := func() time.Duration {
		var ru unix.Rusage
		_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f()
	}
	b.StopTimer()
	b.ReportMetric(float64(cpu()-start)/float64(b.N)/1e6, "cpu-ms/op")
}
