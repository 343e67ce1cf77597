package pivot

import (
	"path/filepath"

	"golang.org/x/sys/unix"
)

// place is where a path lies, as pivot_root(2) finds it: the kernel looks
// both paths up following symlinks, each must be a directory.
type place struct {
	path      string // as given
	abs       string // resolved: absolute, no symlinks ("" when it does not resolve)
	mountID   int    // statx(2) stx_mnt_id: the mount it lies on, mountinfo's ID
	mountRoot bool   // statx(2) STATX_ATTR_MOUNT_ROOT: it is the root of that mount, a mount point
	err       error  // why the lookup failed: ENOENT, ENOTDIR, EACCES...
}

// locate looks path up as the kernel will. A path that is no directory
// fails with ENOTDIR, as pivot_root(2) does.
func locate(path string) place {
	p := place{path: path}
	var stx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, 0, unix.STATX_TYPE|unix.STATX_MNT_ID, &stx); err != nil {
		p.err = err
		return p
	}
	if stx.Mode&unix.S_IFMT != unix.S_IFDIR {
		p.err = unix.ENOTDIR
		return p
	}
	p.mountID = int(stx.Mnt_id)
	p.mountRoot = stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT != 0 && stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0
	if abs, err := filepath.Abs(path); err == nil {
		if r, err := filepath.EvalSymlinks(abs); err == nil {
			p.abs = r
		}
	}
	return p
}

// under reports whether a is b or lies below it (both resolved).
func under(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return a == b || b == "/" || len(a) > len(b) && a[:len(b)] == b && a[len(b)] == '/'
}
