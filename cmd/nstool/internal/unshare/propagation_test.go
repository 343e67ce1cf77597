package unshare_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// propagationRun is what one `unshare --mount --propagation=MODE` saw.
type propagationRun struct {
	childBefore, childAfter string // canonical mount tables under the tree
	parentSawChildMount     bool   // the child's new mount reached us
	childSawParentMount     bool   // our later mount reached the child
	umountInherited         string // rootless: what umount of an inherited mount said
}

// sharedTree builds base (a shared tmpfs) with a shared tmpfs under it at
// base/sub, and the directories the two sides mount on. The test namespace
// itself is private, so the tree is the only thing that can propagate.
func sharedTree(t *testing.T) string {
	t.Helper()
	base := nstest.Tmpfs(t)
	nstest.Mount(t, "none", base, "", syscall.MS_SHARED, "")
	for _, d := range []string{"sub", "fromchild", "fromparent"} {
		if err := os.Mkdir(filepath.Join(base, d), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	// Rootless children (uid 65534) must reach it through t.TempDir's 0700 parent.
	if err := os.Chmod(filepath.Dir(base), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(base, 0o777); err != nil {
		t.Fatal(err)
	}
	nstest.Mount(t, "sub", filepath.Join(base, "sub"), "tmpfs", 0, "size=1m")
	return base
}

// The child copies its mount table, mounts a tmpfs, waits for the parent's
// mount, copies its table again; umount of an inherited mount is tried too.
const propagationScript = `set -e
cat /proc/self/mountinfo > "$OUT/before"
if [ -n "$TRY_UMOUNT" ]; then umount "$BASE/sub" 2>"$OUT/umount" || echo "exit $?" >>"$OUT/umount"; fi
mount -t tmpfs fromchild "$BASE/fromchild"
touch "$OUT/ready"
while [ ! -e "$OUT/go" ]; do sleep 0.01; done
cat /proc/self/mountinfo > "$OUT/after"
`

func runPropagation(t *testing.T, tool nsexectest.Tool, o nsexectest.Options, args ...string) propagationRun {
	t.Helper()
	base := sharedTree(t)
	out := nsexectest.SharedDir(t)
	o.Env = append(o.Env, "OUT="+out, "BASE="+base)
	if o.Cred != nil {
		o.Env = append(o.Env, "TRY_UMOUNT=1")
	}
	done := make(chan nsexectest.Result, 1)
	go func() {
		done <- tool.Run(t, o, append(args, "sh", "-c", propagationScript)...)
	}()
	var res nsexectest.Result
	for {
		if _, err := os.Stat(filepath.Join(out, "ready")); err == nil {
			break
		}
		select {
		case res = <-done:
			t.Fatalf("%s %v ended before it was ready: %+v", tool.Name, args, res)
		default:
			syscall.Nanosleep(&syscall.Timespec{Nsec: 5e6}, nil)
		}
	}
	var r propagationRun
	r.parentSawChildMount = mounted(t, 0, filepath.Join(base, "fromchild"))
	nstest.Mount(t, "fromparent", filepath.Join(base, "fromparent"), "tmpfs", 0, "size=1m")
	if err := os.WriteFile(filepath.Join(out, "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	res = <-done
	if res.Code != 0 {
		t.Fatalf("%s %v: %+v", tool.Name, args, res)
	}
	r.childBefore = canonicalFile(t, filepath.Join(out, "before"), base)
	r.childAfter = canonicalFile(t, filepath.Join(out, "after"), base)
	r.childSawParentMount = strings.Contains(r.childAfter, "/fromparent ")
	if b, err := os.ReadFile(filepath.Join(out, "umount")); err == nil {
		r.umountInherited = strings.ReplaceAll(string(b), base, "$BASE")
	}
	return r
}

func canonicalFile(t *testing.T, path, prefix string) string {
	t.Helper()
	return nstest.ReadMountinfo(t, path).Canonical(prefix)
}

func mounted(t *testing.T, pid int, target string) bool {
	t.Helper()
	mounts, err := mountinfo.Read(pid)
	if err != nil {
		t.Fatal(err)
	}
	return mounts.Top(target) != nil
}

// expected is what mount_namespaces(7) says each mode does.
var expected = map[string]struct{ childToParent, parentToChild bool }{
	"private":   {false, false},
	"shared":    {true, true},
	"slave":     {false, true},
	"unchanged": {true, true},
}

func TestPropagationModesAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "unshare")
	for _, mode := range []string{"private", "shared", "slave", "unchanged"} {
		t.Run(mode, func(t *testing.T) {
			var runs []propagationRun
			for _, tool := range tools {
				runs = append(runs, runPropagation(t, tool, nsexectest.Options{}, "--mount", "--propagation="+mode))
			}
			ul, ns := runs[0], runs[1]
			if ul != ns {
				t.Errorf("util-linux and nstool differ:\nutil-linux %+v\nnstool     %+v", ul, ns)
			}
			want := expected[mode]
			if ns.parentSawChildMount != want.childToParent || ns.childSawParentMount != want.parentToChild {
				t.Errorf("nstool %s: child→parent %v, parent→child %v; want %v, %v",
					mode, ns.parentSawChildMount, ns.childSawParentMount, want.childToParent, want.parentToChild)
			}
		})
	}
}

func TestPropagationModesRootless(t *testing.T) {
	nstest.RequireRoot(t) // to build the shared tree and switch to uid 65534
	tools := nsexectest.ForNobody(t, nsexectest.Tools(t, "unshare"))
	for _, mode := range []string{"private", "shared", "slave", "unchanged"} {
		t.Run(mode, func(t *testing.T) {
			var runs []propagationRun
			for _, tool := range tools {
				runs = append(runs, runPropagation(t, tool, nsexectest.Options{Cred: nsexectest.Nobody},
					"--user", "--map-root-user", "--mount", "--propagation="+mode))
			}
			ul, ns := runs[0], runs[1]
			if ul != ns {
				t.Errorf("util-linux and nstool differ:\nutil-linux %+v\nnstool     %+v", ul, ns)
			}
			// A less privileged mount namespace never sends back (the
			// shared mounts arrive as slaves), and its inherited mounts are
			// locked: umount gives EINVAL, which umount(8) reports as
			// "not mounted" with exit 32.
			if ns.parentSawChildMount {
				t.Errorf("rootless %s: the child's mount reached the parent", mode)
			}
			if !strings.Contains(ns.umountInherited, "not mounted") || !strings.Contains(ns.umountInherited, "exit 32") {
				t.Errorf("rootless %s: umount of an inherited mount: %q; want EINVAL (locked)", mode, ns.umountInherited)
			}
			if mode == "unchanged" && !strings.Contains(ns.childBefore, "master:") {
				t.Errorf("rootless unchanged: shared mounts should arrive as master:N:\n%s", ns.childBefore)
			}
			if mode == "shared" && !(strings.Contains(ns.childBefore, "shared:") && strings.Contains(ns.childBefore, "master:")) {
				t.Errorf("rootless shared: want shared:NEW master:OLD:\n%s", ns.childBefore)
			}
		})
	}
}
