package findmnt

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil/mountinfo"
)

// FuzzTable feeds arbitrary tables through the parser, the tree and every
// output format: findmnt must never panic or loop on a garbage file.
func FuzzTable(f *testing.F) {
	for _, name := range []string{"testdata/mountinfo-lab", "testdata/mountinfo-garbage", "testdata/fstab-sample"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("5 6 0:1 / /a rw - tmpfs x rw\n6 5 0:1 / /b rw - tmpfs y rw\n") // a parent loop
	f.Add("1 1 0:1 / / rw - rootfs rootfs rw\n")                          // its own parent
	f.Fuzz(func(t *testing.T, data string) {
		for _, opts := range []func(*Options){
			func(o *Options) {},
			func(o *Options) { o.List = true },
			func(o *Options) { o.JSON = true; o.Submounts = true; o.Target = "/" },
			func(o *Options) { o.Raw = true; o.Args = []string{"x"} },
			func(o *Options) { o.Filter = `ID > 3 || TARGET =~ "a"`; o.Output = "+PEER-GROUP,MASTER" },
		} {
			tab := &mountTable{}
			_ = tab.parse(strings.NewReader(data), "fuzz", 0, func(parseWarning) {})
			ios, _, _, _ := cli.Test()
			ios.Out = io.Discard
			o := &Options{IO: ios, Getenv: func(string) string { return "C.UTF-8" }}
			opts(o)
			_ = runTable(o, tab)
		}
	})
}

// FuzzFilter: any -Q expression parses or fails with an error, never a panic.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{`FSTYPE == "ext4"`, `(ID > 3 and not PROPAGATION =~ "sh") || TARGET`, `!(`, `A =~ "["`, `1K < SIZE`} {
		f.Add(s)
	}
	e := &fsEntry{Mount: mountinfo.Mount{ID: 5, Target: "/x", FSType: "tmpfs", Optional: "shared:1"}, Kernel: true}
	f.Fuzz(func(t *testing.T, expr string) {
		n, _, err := parseFilter(expr, columnByName, false)
		if err != nil {
			return
		}
		ctx := newRunCtx(&Options{})
		n.eval(func(c *column) string {
			if c.get == nil {
				return ""
			}
			return c.get(ctx, e)
		})
	})
}
