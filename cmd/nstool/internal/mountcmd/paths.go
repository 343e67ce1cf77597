package mountcmd

import (
	"path/filepath"
	"strings"
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

// NamespacePath is the nsfs file that -N/--namespace names: a number is a
// PID (/proc/PID/ns/mnt), anything else a file, as mount(8) and umount(8)
// read it.
func NamespacePath(arg string) string {
	if arg != "" && strings.Trim(arg, "0123456789") == "" {
		return "/proc/" + arg + "/ns/mnt"
	}
	return arg
}
