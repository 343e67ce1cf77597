package nsutil

import (
	"runtime"
	"sync"
)

// parallel calls fn(i) for i in [0, n) on a few goroutines. Reading /proc is
// syscall-bound (each namespace link costs the kernel a path walk and a
// ptrace access check), so on a host with thousands of processes the cores
// share the work; each i is handled exactly once, results go into slots the
// caller indexes by i.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), 4, max(n/32, 1))
	if workers == 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			// Interleaved, so that each worker gets old and young PIDs.
			for i := w; i < n; i += workers {
				fn(i)
			}
		}(w)
	}
	wg.Wait()
}
