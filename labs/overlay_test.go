package labs

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/nstest"
)

// An overlay made as lab 10 makes it, then changed through its merged view:
// the checks read what the kernel wrote in the upper directory. Mounted by
// root without userxattr, overlayfs marks an opaque directory with
// trusted.overlay.opaque; with userxattr, user.overlay.opaque.
func TestOverlayChecksOnTheKernel(t *testing.T) {
	for _, opt := range []string{"", ",userxattr"} {
		// (no comma in the test's name: its temporary directory is in the
		// mount's options)
		t.Run(map[string]string{"": "trusted", ",userxattr": "userxattr"}[opt], func(t *testing.T) {
			d := nstest.Tmpfs(t)
			for _, f := range []string{"low/etc/conf.d/a", "low/etc/conf.d/b", "low/etc/keep.d/a", "low/etc/gone", "low/etc/motd"} {
				if err := os.MkdirAll(d+"/"+f[:strings.LastIndex(f, "/")], 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(d+"/"+f, []byte("from the lower layer\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, dir := range []string{"upper", "work", "merged"} {
				os.Mkdir(d+"/"+dir, 0o755)
			}
			data := "lowerdir=" + d + "/low,upperdir=" + d + "/upper,workdir=" + d + "/work" + opt
			nstest.Mount(t, "overlay", d+"/merged", "overlay", 0, data)
			t.Cleanup(func() { unix.Unmount(d+"/merged", unix.MNT_DETACH) })
			m := d + "/merged/etc"
			must(t, os.WriteFile(m+"/motd", []byte("from the lower layer\nand the merged view\n"), 0o644))
			must(t, os.Remove(m+"/gone"))
			must(t, os.RemoveAll(m+"/conf.d"))
			must(t, os.Mkdir(m+"/conf.d", 0o755))
			must(t, os.Remove(m+"/keep.d/a")) // a file deleted, its directory kept
			xattr := map[string]string{"": "trusted.overlay.opaque", ",userxattr": "user.overlay.opaque"}[opt]

			w := testStages.world(&State{Actors: map[string]int{"host": os.Getpid()}})
			expectChecks(t, w, d, []checkCase{
				{"host D/upper/etc/gone is a whiteout", true, ""},
				{"host D/upper/etc/motd is a whiteout", false, "D/upper/etc/motd is a regular file"},
				{"host D/upper/etc/motd is not a whiteout", true, ""},
				{"host D/upper/etc/nothing is not a whiteout", true, ""},
				{"host D/upper/etc/nothing is a whiteout", false, "D/upper/etc/nothing does not exist: no whiteout there"},
				{"host D/upper/etc/nothing is opaque", false, "no such file or directory"},
				{"host D/upper/etc/motd contains and the merged view", true, ""},
				{"host D/low/etc/motd does not contain and the merged view", true, ""},
				{"host D/upper/etc/motd does not contain merged", false, `holds "and the merged view"`},
				{"host D/upper/etc/conf.d is opaque", true, ""},
				{"host D/upper/etc/conf.d is not opaque", false, "is an opaque directory (" + xattr + ` is "y")`},
				{"host D/upper/etc/gone is opaque", false, "a character device 0:0 (a whiteout), not a directory"},
				{"host D/upper/etc/keep.d is opaque", false, "without an overlay.opaque xattr (trusted.overlay.opaque, user.overlay.opaque); it holds 1 whiteout:"},
				{"host D/upper/etc/keep.d is not opaque", true, ""},
				{"host D/merged is mounted with lowerdir=D/low", true, ""},
				{"host D/merged is mounted with upperdir=D/upper", true, ""},
				{"host D/merged is mounted with rw", true, ""},
				{"host D/merged is mounted with lowerdir=D/upper", false, "is mounted overlay with lowerdir=D/low"},
				{"host D/merged is mounted with nosuid", false, "is mounted overlay without nosuid"},
				{"host D/low is mounted with rw", false, "is not a mount point"},
			})
			// The lower layer is as it was: the deletions are only marks.
			for _, f := range []string{"conf.d/a", "gone", "motd"} {
				if _, err := os.Stat(d + "/low/etc/" + f); err != nil {
					t.Errorf("lower layer: %v", err)
				}
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
