package labs

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// What overlayfs writes in an upper directory to hide what the layers below
// hold (Documentation/filesystems/overlayfs.rst):
//
//   - a whiteout: a name deleted from the merged view is a character device
//     with device number 0:0 in the upper directory;
//   - an opaque directory: a directory made again where a lower one was
//     removed has the xattr overlay.opaque set to "y", and the lower
//     directories of that name are no longer merged into it.
//
// The xattr is trusted.overlay.opaque, which only a process with
// CAP_SYS_ADMIN over the whole machine may write; an overlay mounted with
// userxattr (the way in a user namespace, Linux 5.11+) uses
// user.overlay.opaque.
var opaqueXattrs = []string{"trusted.overlay.opaque", "user.overlay.opaque"}

// evalUpper is an "is a whiteout" or "is opaque" check on file, the path of
// c.Path under the actor's root.
func evalUpper(c Check, file, where string) (bool, string) {
	var st unix.Stat_t
	if err := unix.Lstat(file, &st); err != nil {
		switch {
		case c.Not && errors.Is(err, unix.ENOENT):
			return true, ""
		case errors.Is(err, unix.ENOENT) && c.Kind == "whiteout":
			return false, fmt.Sprintf("%s does not exist: no whiteout there", where)
		}
		return false, fmt.Sprintf("%s: %v", where, err)
	}
	if c.Kind == "whiteout" {
		if isWhiteout(st) == c.Not {
			return false, fmt.Sprintf("%s is %s", where, fileKind(st))
		}
		return true, ""
	}
	name, value := opaqueMark(file)
	opaque := st.Mode&unix.S_IFMT == unix.S_IFDIR && value == "y"
	switch {
	case opaque && c.Not:
		return false, fmt.Sprintf("%s is an opaque directory (%s is %q)", where, name, value)
	case opaque || c.Not:
		return true, ""
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return false, fmt.Sprintf("%s is %s, not a directory", where, fileKind(st))
	case name != "":
		return false, fmt.Sprintf("%s is a directory whose %s is %q, not \"y\"", where, name, value)
	}
	saw := fmt.Sprintf("%s is a directory without an overlay.opaque xattr (%s)", where, strings.Join(opaqueXattrs, ", "))
	if n := whiteoutsIn(file); n > 0 {
		saw += fmt.Sprintf("; it holds %d %s: the lower layers' entries are hidden one by one, each by a whiteout of its name", n, plural(n, "whiteout", "whiteouts"))
	}
	return false, saw
}

// isWhiteout tells a whiteout: a character device numbered 0:0.
func isWhiteout(st unix.Stat_t) bool {
	return st.Mode&unix.S_IFMT == unix.S_IFCHR && st.Rdev == 0
}

// opaqueMark returns the first overlay.opaque xattr file has and its value
// ("" if none can be read: trusted.* reads as absent without CAP_SYS_ADMIN).
func opaqueMark(file string) (name, value string) {
	buf := make([]byte, 16)
	for _, name := range opaqueXattrs {
		if n, err := unix.Lgetxattr(file, name, buf); err == nil {
			return name, string(buf[:n])
		}
	}
	return "", ""
}

// whiteoutsIn counts the whiteouts in dir.
func whiteoutsIn(dir string) int {
	ents, _ := os.ReadDir(dir)
	n := 0
	for _, e := range ents {
		var st unix.Stat_t
		if unix.Lstat(dir+"/"+e.Name(), &st) == nil && isWhiteout(st) {
			n++
		}
	}
	return n
}

// fileKind says what a file is, in the words of stat(1)'s %F, with a
// device's numbers.
func fileKind(st unix.Stat_t) string {
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFCHR:
		if isWhiteout(st) {
			return "a character device 0:0 (a whiteout)"
		}
		return fmt.Sprintf("a character device %d:%d", unix.Major(st.Rdev), unix.Minor(st.Rdev))
	case unix.S_IFBLK:
		return fmt.Sprintf("a block device %d:%d", unix.Major(st.Rdev), unix.Minor(st.Rdev))
	case unix.S_IFDIR:
		return "a directory"
	case unix.S_IFLNK:
		return "a symbolic link"
	case unix.S_IFREG:
		return "a regular file"
	}
	return "a special file"
}

// evalOption is an "is mounted with OPTION" check: OPTION is one of the
// mount's per-mount or per-superblock options, exactly. A wrong value of a
// named option (lowerdir=, upperdir=) is shown as the kernel has it.
func evalOption(c Check, m *mountinfo.Mount, where string) (bool, string) {
	opts := strings.Split(m.VFSOptions+","+m.FSOptions, ",")
	key, _, named := strings.Cut(c.Arg, "=")
	for _, o := range opts {
		if o == c.Arg {
			return true, ""
		}
	}
	for _, o := range opts {
		if k, _, _ := strings.Cut(o, "="); named && k == key {
			return false, fmt.Sprintf("%s is mounted %s with %s", where, m.FSType, o)
		}
	}
	return false, fmt.Sprintf("%s is mounted %s without %s (its options: %s,%s)", where, m.FSType, c.Arg, m.VFSOptions, m.FSOptions)
}
