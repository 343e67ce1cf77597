package umount

import (
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd"
	"github.com/nstool/nstool/nsutil/mountinfo"
)

// found is what umount(8) works with for one argument: the path given to
// umount2(2) and named in messages, and the mount it is in the table (nil
// when the table was not read, or has no such mount: the path is then
// passed on as typed and the kernel says why not).
type found struct {
	target string
	mount  *mountinfo.Mount
	// stacked: found by its source, but another mount covers it at its
	// target, so umount2(2) of the target would take the wrong one.
	stacked bool
}

// fastPath reports whether util-linux 2.38.1 unmounts spec without reading
// the mount table: not restricted (root, or a user's umount that dropped
// its privileges), an absolute path to a directory, and none of -l,
// -f, -c, -d (which need the mount's entry). The path is then used as
// typed, symlinks and "." included, and -v does not name the source.
func (o *Options) fastPath(spec string) bool {
	if o.Restricted || !filepath.IsAbs(spec) || o.Lazy || o.Force || o.NoCanon || o.DetachLoop {
		return false
	}
	var st unix.Stat_t
	// AT_NO_AUTOMOUNT: looking must not mount an automount point.
	if err := unix.Fstatat(unix.AT_FDCWD, spec, &st, unix.AT_NO_AUTOMOUNT); err != nil {
		return false
	}
	return st.Mode&unix.S_IFMT == unix.S_IFDIR
}

// key is the path umount(8) looks for in the table's targets: realpath(3)
// of spec; with -c, spec made absolute from the working directory without
// resolving anything (getcwd(3), not $PWD). ok is false when spec does
// not resolve (it is then looked for as typed).
func (o *Options) key(spec string) (string, bool) {
	if !o.NoCanon {
		return mountcmd.Canonical(spec, false)
	}
	if spec == "" {
		return spec, false
	}
	if filepath.IsAbs(spec) {
		return spec, true
	}
	// libmount's absolute_path: one leading "./" goes, "." is the
	// working directory itself; nothing else is cleaned up.
	wd, err := unix.Getwd()
	if err != nil {
		return spec, false
	}
	p := strings.TrimPrefix(spec, "./")
	if p == "" || spec == "." {
		return wd, true
	}
	return wd + "/" + p, true
}

// samePath compares two paths as libmount does without canonicalizing:
// runs of slashes count as one and a trailing slash is ignored; "." and
// ".." are names like any other.
func samePath(a, b string) bool { return squeeze(a) == squeeze(b) }

func squeeze(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	s := b.String()
	if len(s) > 1 {
		s = strings.TrimSuffix(s, "/")
	}
	return s
}

// lookup finds spec in the table as umount(8) does: the last mount whose
// target is spec's path, else the last whose source is spec (as typed, or
// its path when it resolves: a tmpfs named /srv/x is found by ./x from
// /srv). Neither: spec as typed.
func (o *Options) lookup(mounts []mountinfo.Mount, spec string) found {
	if spec == "" {
		return found{target: spec} // names nothing (path_resolution(7))
	}
	k, resolved := o.key(spec)
	for i := len(mounts) - 1; i >= 0; i-- {
		if t := mounts[i].Target; t == k || o.NoCanon && samePath(t, k) {
			return found{target: mounts[i].Target, mount: &mounts[i]}
		}
	}
	sources := []string{spec}
	// LABEL=x names its device's mounts (not with -c).
	if dev, isTag := mountcmd.TagDevice(spec); isTag && dev != "" && !o.NoCanon {
		sources = append(sources, dev)
	}
	if resolved {
		sources = append(sources, k)
	}
	if resolved && !o.NoCanon {
		// A loop device's backing file names the device's mounts
		// too, as libmount finds them (not with -c).
		sources = append(sources, loopsBackedBy(k)...)
	}
	for i := len(mounts) - 1; i >= 0; i-- {
		if s := mounts[i].Source; slices.Contains(sources, s) {
			f := found{target: mounts[i].Target, mount: &mounts[i]}
			for _, later := range mounts[i+1:] {
				if later.Target == f.target {
					f.stacked = true
				}
			}
			return f
		}
	}
	return found{target: spec}
}
