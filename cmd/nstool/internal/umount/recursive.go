package umount

import (
	"os"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil/mountinfo"
)

// notFound is umount(8)'s word for a -R or -A argument the table does not
// have as a target: "not mounted" for a path that exists, "not found"
// otherwise; exit status 1, and -q says nothing.
func (o *Options) notFound(spec string) int {
	if !o.Quiet {
		if _, err := os.Stat(spec); err == nil {
			o.warn("%s: not mounted", spec)
		} else {
			o.warn("%s: not found", spec)
		}
	}
	return cli.ExitFailure
}

// recursive is umount -R: the mount at spec and everything under it,
// deepest first. For each mount: first a mount stacked on top of it, then
// its children in mount-ID order (the order they were mounted), then the
// mount itself, skipped if propagation already took it. Only targets are
// looked for, not sources.
func (o *Options) recursive(spec string, flags int) int {
	mounts, err := mountinfo.Read(0)
	if err != nil {
		o.warn("%s: cannot read the mount table: %v", spec, err)
		return cli.ExitMountFailure
	}
	var root *mountinfo.Mount
	if c, ok := o.key(spec); ok {
		root = mountinfo.Table(mounts).Top(c)
	}
	if root == nil {
		return o.notFound(spec)
	}
	return o.recurseFrom(mounts, *root, flags)
}

// recurseFrom unmounts root and everything under it (see recursive).
func (o *Options) recurseFrom(mounts []mountinfo.Mount, root mountinfo.Mount, flags int) int {
	children := mountinfo.Table(mounts).Children() // in ID order: the order they were mounted
	var walk func(m mountinfo.Mount) int
	walk = func(m mountinfo.Mount) int {
		var over *mountinfo.Mount
		for i, c := range children[m.ID] {
			if c.Target == m.Target {
				over = &children[m.ID][i]
			}
		}
		if over != nil {
			if rc := walk(*over); rc != 0 {
				return rc
			}
		}
		for _, c := range children[m.ID] {
			if over != nil && c.ID == over.ID {
				continue
			}
			if rc := walk(c); rc != 0 {
				return rc
			}
		}
		now, err := mountinfo.Read(0)
		if err == nil && !o.Fake && mountinfo.Table(now).Top(m.Target) == nil {
			return 0 // propagation took it already
		}
		if top := mountinfo.Table(now).Top(m.Target); top != nil {
			m = *top
		}
		return o.byTarget(now, m, flags)
	}
	return walk(root)
}
