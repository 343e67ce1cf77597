package mountcmd

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil/mountsys"
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

// parseTag reads an argument as a tag, NAME=VALUE, as libblkid parses one:
// a known NAME, a VALUE that may be quoted ('x' or "x", as mount -L x
// gives LABEL="x") with nothing after the closing quote, and not empty.
// ok is false for anything else, which is a path.
func parseTag(arg string) (name, value string, ok bool) {
	name, value, ok = strings.Cut(arg, "=")
	if _, tag := mountsys.TagDir(name); !ok || !tag {
		return "", "", false
	}
	if value != "" && (value[0] == '"' || value[0] == '\'') {
		rest := value[1:]
		if i := strings.IndexByte(rest, value[0]); i < 0 || i != len(rest)-1 {
			return "", "", false
		}
		value = rest[:len(rest)-1]
	}
	return name, value, value != ""
}

// TagDevice is the device a tag argument names (parseTag), as mount(8)
// and umount(8) find it through libblkid: the link udev made in
// /dev/disk/by-*, else the device whose superblock has that label or
// UUID; "" when none has. isTag is false for an argument that is no tag.
func TagDevice(arg string) (dev string, isTag bool) {
	name, value, ok := parseTag(arg)
	if !ok {
		return "", false
	}
	dir, _ := mountsys.TagDir(name)
	dev, err := filepath.EvalSymlinks(filepath.Join("/dev/disk", dir, value))
	if err != nil {
		// No udev link (no udev, a loop device set up just now):
		// libblkid reads the superblocks of the devices itself.
		dev = mountsys.FindByTag(name, value)
	}
	return dev, true
}
