// Package parallel spreads independent reads of /proc over a few
// goroutines.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Do calls fn(i) for i in [0, n) on a few goroutines. Reading /proc is
// syscall-bound (each namespace link costs the kernel a path walk and a
// ptrace access check), so on a host with thousands of processes the cores
// share the work; each i is handled exactly once, results go into slots the
// caller indexes by i.
//
// Workers take small batches from a shared counter rather than fixed
// shares: on a busy machine one of them may wait a whole time slice for a
// CPU, and the others then take over its part instead of idling.
func Do(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), 4, max(n/32, 1))
	if workers == 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	const batch = 8
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				end := int(next.Add(batch))
				start := end - batch
				if start >= n {
					return
				}
				for i := start; i < min(end, n); i++ {
					fn(i)
				}
			}
		}()
	}
	wg.Wait()
}
