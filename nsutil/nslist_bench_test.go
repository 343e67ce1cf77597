package nsutil

import "testing"

// Benchmarks for the /proc scan; scripts/bench/ls.sh runs nstool ls beside
// lsns on 2,000 processes.
func BenchmarkScanProcesses(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := ScanProcesses(ProcScanOptions{Types: AllNSTypeSet}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListNamespaces(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := ListNamespaces(ListOptions{Types: AllNSTypeSet, BindMounts: true, Mounts: true}); err != nil {
			b.Fatal(err)
		}
	}
}
