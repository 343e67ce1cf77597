package mountinfo_test

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/nstool/nstool/nsutil/mountid"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// Top and Containing name the mount a path lookup ends in, as the kernel
// says (statx's mount ID), also where propagation tucked a mount under one
// that was already there: on a slave copy y of x, a mount on y/d first,
// then one on x/d, whose copy goes beneath y/d's and is listed after it.
func TestTopIsWhatTheKernelResolves(t *testing.T) {
	nstest.RequireRoot(t)
	for _, over := range []int{0, 1, 2} { // mounts stacked on top afterwards
		t.Run(fmt.Sprintf("tucked+%d", over), func(t *testing.T) {
			base := nstest.Tmpfs(t)
			x, y := filepath.Join(base, "x"), filepath.Join(base, "y")
			for _, d := range []string{x, y} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			nstest.Mount(t, "xx", x, "tmpfs", 0, "")
			nstest.Mount(t, "", x, "", syscall.MS_SHARED, "")
			if err := os.Mkdir(filepath.Join(x, "d"), 0o755); err != nil {
				t.Fatal(err)
			}
			nstest.Mount(t, x, y, "", syscall.MS_BIND, "")
			nstest.Mount(t, "", y, "", syscall.MS_SLAVE, "")
			nstest.Mount(t, "first", filepath.Join(y, "d"), "tmpfs", 0, "")
			nstest.Mount(t, "propagated", filepath.Join(x, "d"), "tmpfs", 0, "")
			for i := 0; i < over; i++ {
				nstest.Mount(t, fmt.Sprintf("over%d", i), filepath.Join(y, "d"), "tmpfs", 0, "")
			}
			if err := os.Mkdir(filepath.Join(y, "d", "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			tab := nstest.ReadMountinfo(t, "/proc/self/mountinfo")
			for _, p := range []string{filepath.Join(y, "d"), filepath.Join(x, "d")} {
				_, want, err := mountid.Of(p)
				if err != nil {
					t.Fatal(err)
				}
				if top := tab.Top(p); top == nil || top.ID != want {
					t.Errorf("Top(%s) = %v, the kernel resolves mount %d", p, top, want)
				}
				if c := tab.Containing(filepath.Join(p, "sub")); c == nil || c.ID != want {
					t.Errorf("Containing(%s/sub) = %v, the kernel resolves mount %d", p, c, want)
				}
			}
			// The case itself: the last mount listed at y/d is not the top.
			var last *mountinfo.Mount
			for i := range tab {
				if tab[i].Target == filepath.Join(y, "d") {
					last = &tab[i]
				}
			}
			if over == 0 && (last == nil || last.ID == tab.Top(filepath.Join(y, "d")).ID) {
				t.Errorf("no mount was tucked under y/d: the test does not test what it says")
			}
		})
	}
}
