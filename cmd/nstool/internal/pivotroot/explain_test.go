package pivotroot_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// Each condition of pivot_root(2) is made for real in a throwaway mount
// namespace, and `nstool pivot_root --explain` must name it as the reason
// for the errno the kernel returned (nsutil/pivot's tests prove the
// in-process ones against the kernel too; these need another process: a
// chroot, another user).
func TestExplainNamesTheCondition(t *testing.T) {
	nstest.RequireRoot(t)
	bin := nstooltest.BinaryForNobody(t)
	cases := []struct{ name, script, call, why string }{
		{"new_root no mount point", "mkdir -p n/old; {P} n n/old",
			`pivot_root("n", "n/old") = -1 EINVAL (Invalid argument)`, "why (EINVAL): new_root `n' is not a mount point"},
		{"put_old on new_root's shared mount", "mkdir n; mount -t tmpfs n n; mount --make-shared n; mkdir n/old; {P} n n/old",
			`= -1 EINVAL`, "why (EINVAL): new_root's own mount, which put_old `n/old' lies on, is shared"},
		{"new_root's parent shared", "mount --make-shared \"$T\"; mkdir n; mount -t tmpfs n n; mount --make-private n; mkdir n/old; {P} n n/old",
			`= -1 EINVAL`, "why (EINVAL): the parent of new_root's mount is shared"},
		{"put_old not under new_root", "mkdir n o; mount -t tmpfs n n; {P} n o",
			`= -1 EINVAL`, "why (EINVAL): put_old `o'"},
		{"new_root on the root's mount", "{P} \"$R\" \"$R\"",
			`= -1 EBUSY (Device or resource busy)`, "why (EBUSY): new_root `"},
		{"in a chroot", "makeroot c; mkdir c/n; mount -t tmpfs n c/n; mkdir c/n/old; chroot c {PC} n n/old",
			`= -1 EINVAL`, "why (EINVAL): the current root is not a mount point"},
		{"in a chroot whose root mount's parent is shared", "mount --make-shared \"$T\"; mkdir c; mount -t tmpfs c c; mount --make-private c; makeroot c; mkdir c/n; mount -t tmpfs n c/n; mkdir c/n/old; chroot c {PC} n n/old",
			`= -1 EINVAL`, "why (EINVAL): the parent of the current root's mount is shared"},
		{"as nobody", "mkdir n; mount -t tmpfs n n; mkdir n/old; setpriv --reuid=65534 --regid=65534 --clear-groups {P} n n/old",
			`= -1 EPERM (Operation not permitted)`, "why (EPERM): the caller lacks CAP_SYS_ADMIN"},
		{"success", "mkdir n; mount -t tmpfs n n; mkdir n/old; {P} n n/old",
			`pivot_root("n", "n/old") = 0`, "/ is now the mount that was at `n'; the old root mount is at /old"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			script := strings.NewReplacer("{P}", `"$BIN" pivot_root --explain`, "{PC}", "/nstool pivot_root --explain").Replace(c.script)
			cmd := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c", prelude+script)
			cmd.Env = append(os.Environ(), "T="+t.TempDir(), "R="+t.TempDir(), "BIN="+bin)
			_, stderr, _ := nstooltest.Run(t, cmd)
			lines := strings.Split(stderr, "\n")
			if len(lines) < 2 || !strings.HasPrefix(lines[0], "pivot_root(") || !strings.Contains(lines[0], c.call) {
				t.Fatalf("%s: want the call %q first:\n%s", c.script, c.call, stderr)
			}
			if !strings.HasPrefix(strings.TrimSpace(lines[1]), c.why) {
				t.Errorf("%s: want %q next:\n%s", c.script, c.why, stderr)
			}
			if strings.HasPrefix(strings.TrimSpace(lines[1]), "why") && !strings.HasPrefix(strings.TrimSpace(lines[2]), "fix: ") {
				t.Errorf("%s: no fix after the reason:\n%s", c.script, stderr)
			}
		})
	}
}
