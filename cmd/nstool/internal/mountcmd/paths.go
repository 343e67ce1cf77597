package mountcmd

import (
	"path/filepath"
	"strconv"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// Canonical is the path mount(8) and umount(8) work with: realpath(3) of p,
// or p itself with --no-canonicalize (noCanon). resolved is false, and p
// comes back as given, when p does not resolve; so messages name what the
// user typed. An empty argument never resolves: it names nothing
// (path_resolution(7): ENOENT), not the working directory, which is what
// filepath.Abs("") would give.
func Canonical(p string, noCanon bool) (path string, resolved bool) {
	if p == "" {
		return p, false
	}
	if noCanon {
		return p, true
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return p, false
	}
	r, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return p, false
	}
	return r, true
}

// NamespacePath is the nsfs file that -N/--namespace names: a PID
// (/proc/PID/ns/mnt), anything else a file, as mount(8) and umount(8)
// read it: strtoul(3) in base 10 over the whole argument (blanks and a
// sign first, " 1" and "+1" are PID 1), the result cut to a pid_t; a
// number that is not a positive PID then (0, -1) is a file name.
func NamespacePath(arg string) string {
	n, err := cli.ParseStrtoul(arg, "pid")
	if pid := int32(n); err == nil && pid > 0 {
		return "/proc/" + strconv.Itoa(int(pid)) + "/ns/mnt"
	}
	return arg
}
