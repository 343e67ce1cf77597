package mount_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nstool/nstool/nsutil/nstest"
)

// straceCalls runs setup, then cmd under strace, in a throwaway namespace,
// and returns the mount(2)/umount2(2) calls it made, with the work
// directory as $D and the filesystem-type argument of bind, move and
// remount calls (ignored by the kernel; util-linux and Go pass different
// pointers) shown as _.
func straceCalls(t *testing.T, tool, setup, cmd string) string {
	t.Helper()
	work, out := t.TempDir(), t.TempDir()
	log := filepath.Join(out, "strace")
	script := "set -e\nmount -t tmpfs base " + shq(work) + "\ncd " + shq(work) + "\n" + setup +
		"\nset +e\nstrace -f -qq -e trace=mount,umount2 -e signal=none -o " + shq(log) + " " + cmd + " 2>/dev/null\ntrue\n"
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
	var calls []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(regexp.MustCompile(`^\d+\s+`).ReplaceAllString(l, ""))
		if !strings.HasPrefix(l, "mount(") && !strings.HasPrefix(l, "umount2(") {
			continue
		}
		l = strings.ReplaceAll(l, work, "$D")
		l = fstypePtr.ReplaceAllString(l, "${1}_")
		l = regexp.MustCompile(`\s+=`).ReplaceAllString(l, " =")
		calls = append(calls, l)
	}
	return strings.Join(calls, "\n")
}

// nstool makes the same system calls as util-linux, in the same order:
// one mount(2) per propagation change, bind then remount for "bind,ro",
// the main call before the propagation calls, deepest first for umount -R.
func TestSameSystemCalls(t *testing.T) {
	nstest.RequireRoot(t)
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	bin := nstest.Binary(t) + " "
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
	} {
		t.Run(cmd, func(t *testing.T) {
			setup := states[0].setup + "; mkdir a/sub/deep a/sub2; mount -t tmpfs deep a/sub/deep; mount -t tmpfs sub2 a/sub2"
			traced := cmd
			if i := strings.LastIndex(cmd, "; "); i >= 0 {
				setup += "\n" + strings.ReplaceAll(strings.ReplaceAll(cmd[:i], "$M", "mount"), "$U", "umount")
				traced = cmd[i+2:]
			}
			ul := straceCalls(t, "", setup, traced)
			ns := straceCalls(t, bin, setup, traced)
			if ul == "" {
				t.Fatalf("no calls seen for util-linux")
			}
			if ul != ns {
				t.Errorf("system calls differ:\nutil-linux:\n%s\nnstool:\n%s", ul, ns)
			}
		})
	}
}
