package mountinfo

import (
	"fmt"
	"strings"
	"testing"
)

// benchTable is a mountinfo text of n mounts as a busy host shows them:
// peer groups, slaves, an escaped space now and then.
func benchTable(n int) string {
	var b strings.Builder
	b.WriteString("1 0 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n")
	for i := 2; i <= n; i++ {
		opt := fmt.Sprintf("shared:%d", i%97+1)
		if i%3 == 0 {
			opt += fmt.Sprintf(" master:%d", i%13+1)
		}
		fmt.Fprintf(&b, "%d %d 0:%d / /srv/c%d/m\\040%d rw,nosuid,nodev,relatime %s - tmpfs tmpfs rw,size=1024k,mode=755\n", i, i/2+1, i%200, i%50, i, opt)
	}
	return b.String()
}

// BenchmarkParse is the strict reading of 16k mounts.
func BenchmarkParse(b *testing.B) {
	data := benchTable(1 << 14)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, bad, err := Parse(strings.NewReader(data)); err != nil || len(bad) > 0 {
			b.Fatal(err, bad)
		}
	}
}
