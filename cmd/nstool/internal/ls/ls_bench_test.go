package ls_test

import (
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/root"
)

// BenchmarkLs runs `nstool ls` in-process on the running system
// (scripts/bench/ls.sh times the binary beside lsns on 2,000 processes).
func BenchmarkLs(b *testing.B) {
	for _, args := range [][]string{{"ls"}, {"ls", "-o", "NS,TYPE,NPROCS"}} {
		b.Run(args[len(args)-1], func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				ios, _, _, _ := cli.Test()
				if code := root.Run(ios, root.NewCmd(ios), args); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
