package mount_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/nstest"
)

// straceCalls runs setup, then cmd under strace, in a throwaway namespace,
// and returns the mount(2)/umount2(2) calls it made, with the work
// directory as $D and the filesystem-type argument of bind, move and
// remount calls (ignored by the kernel; util-linux and Go pass different
// pointers) shown as _.
func straceCalls(t *testing.T, tool, setup, cmd string) (calls, expectR string) {
	t.Helper()
	work, out := t.TempDir(), t.TempDir()
	log := filepath.Join(out, "strace")
	script := "set -e\nmount -t tmpfs base " + shq(work) + "\ncd " + shq(work) + "\n" + setup +
		"\ncat /proc/self/mountinfo >" + shq(filepath.Join(out, "before")) + "\nset +e\nstrace -f -qq -e trace=mount,umount2 -e signal=none -o " + shq(log) + " " + cmd + " 2>/dev/null\ntrue\n"
	c := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
	c.Env = append(os.Environ(), "M="+tool+"mount", "U="+tool+"umount")
	if b, err := c.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	fstypePtr := regexp.MustCompile(`^(mount\("[^"]*", "[^"]*", )(0x[0-9a-f]+|NULL)`)
	var list []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(regexp.MustCompile(`^\d+\s+`).ReplaceAllString(l, ""))
		if !strings.HasPrefix(l, "mount(") && !strings.HasPrefix(l, "umount2(") {
			continue
		}
		l = strings.ReplaceAll(l, work, "$D")
		l = fstypePtr.ReplaceAllString(l, "${1}_")
		l = regexp.MustCompile(`\s+=`).ReplaceAllString(l, " =")
		list = append(list, l)
	}
	// What umount -R must do with this run's table: mount IDs are reused,
	// so the order of siblings can differ from one run to the next.
	if f, err := os.Open(filepath.Join(out, "before")); err == nil {
		defer f.Close()
		before, _, _ := mountinfo.Parse(f)
		var want []string
		f := strings.Fields(cmd)
		flags := "0"
		if strings.Contains(cmd, " -l") {
			flags = "MNT_DETACH"
		}
		for _, target := range recursiveOrder(before, work+"/"+f[len(f)-1]) {
			want = append(want, fmt.Sprintf("umount2(%q, %s) = 0", strings.Replace(target, work, "$D", 1), flags))
		}
		expectR = strings.Join(want, "\n")
	}
	return strings.Join(list, "\n"), expectR
}

// nstool makes the same system calls as util-linux, in the same order:
// one mount(2) per propagation change, bind then remount for "bind,ro",
// the main call before the propagation calls, deepest first for umount -R.
func TestSameSystemCalls(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.RequireCommands(t, "strace")
	bin := nstooltest.Binary(t) + " "
	for _, cmd := range []string{
		"$M --make-shared --make-rslave --make-private a",
		"$M --make-slave --make-shared --make-unbindable --make-rprivate --make-rshared a",
		"mkdir b; $M --make-shared --bind a b",
		"mkdir b; $M --make-private --bind -o ro,nosuid --make-rshared a b",
		"mkdir b; $M --rbind -o ro,nosuid a b",
		"mkdir b; $M -t tmpfs -o size=1m,mode=700,noexec,nosuid,ro,shared,noatime x b",
		"mount -o remount,nosuid a; $M -o remount,noexec,size=2m a",
		"$M -o remount,ro,bind a",
		"$M --bind -o remount,ro a",
		"$M -o remount,ro,rshared a",
		"mkdir b; $M --make-private --make-unbindable -t tmpfs -o ro x b",
		"mkdir b; $M --move a b",
		"mkdir b; $M -t bogusfs,tmpfs x b",
		"$U -R a",
		"$U -l a/sub",
		"mkdir b; $M --rbind a b; $U -R b",
		"mkdir b; $M --rbind a b; $U -R -l b",
	} {
		t.Run(cmd, func(t *testing.T) {
			setup := states[0].setup + "; mkdir a/sub/deep a/sub2; mount -t tmpfs deep a/sub/deep; mount -t tmpfs sub2 a/sub2"
			traced := cmd
			if i := strings.LastIndex(cmd, "; "); i >= 0 {
				setup += "\n" + strings.ReplaceAll(strings.ReplaceAll(cmd[:i], "$M", "mount"), "$U", "umount")
				traced = cmd[i+2:]
			}
			ul, ulWant := straceCalls(t, "", setup, traced)
			ns, nsWant := straceCalls(t, bin, setup, traced)
			if ul == "" {
				t.Fatalf("no calls seen for util-linux")
			}
			if strings.HasPrefix(traced, "$U -R") {
				// Each run against the order its own table demands.
				if ul != ulWant || ns != nsWant {
					t.Errorf("umount -R order:\nutil-linux:\n%s\nwant:\n%s\nnstool:\n%s\nwant:\n%s", ul, ulWant, ns, nsWant)
				}
				return
			}
			if ul != ns {
				t.Errorf("system calls differ:\nutil-linux:\n%s\nnstool:\n%s", ul, ns)
			}
		})
	}
}

// recursiveOrder is umount(8) -R's documented order for the mount at
// target: a mount stacked on it first, then each child in mount-ID order,
// depth first, then the mount itself.
func recursiveOrder(mounts []mountinfo.Mount, target string) []string {
	root := mountinfo.Table(mounts).Top(target)
	if root == nil {
		return nil
	}
	var out []string
	var walk func(m mountinfo.Mount)
	walk = func(m mountinfo.Mount) {
		var kids []mountinfo.Mount
		for _, c := range mounts {
			if c.Parent == m.ID && c.ID != m.ID {
				kids = append(kids, c)
			}
		}
		sort.Slice(kids, func(i, j int) bool { return kids[i].ID < kids[j].ID })
		for _, c := range kids {
			if c.Target == m.Target {
				walk(c)
			}
		}
		for _, c := range kids {
			if c.Target != m.Target {
				walk(c)
			}
		}
		out = append(out, m.Target)
	}
	walk(*root)
	return out
}

// shq quotes a string for sh.
func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
