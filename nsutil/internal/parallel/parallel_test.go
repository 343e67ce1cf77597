package parallel

import (
	"sync/atomic"
	"testing"
)

// Do hands every index to exactly one call, whatever n is against
// the batch size and the number of workers.
func TestDoEachIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 63, 64, 65, 1000} {
		calls := make([]atomic.Int32, n)
		Do(n, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if c := calls[i].Load(); c != 1 {
				t.Fatalf("n=%d: index %d handled %d times", n, i, c)
			}
		}
	}
}
