package umount

import (
	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil/mountinfo"
)

// allTargets is umount -A: the filesystem spec names (found as umount
// finds it, by target or source) is unmounted at every mount point it has
// in the namespace (the same device, MAJ:MIN), the last mounted first (the first
// that fails ends it; one that propagation took already is skipped); with
// -R each with everything under it.
func (o *Options) allTargets(spec string, flags int) int {
	mounts, _ := mountinfo.Read(0)
	f := o.lookup(mounts, spec)
	if f.mount == nil {
		return o.notFound(spec)
	}
	if f.stacked {
		// As lookup's refusal in one, in 2.38.1's words for -A (it has
		// no target to name).
		o.warn("???: operation failed: %s.", cli.Strerror(unix.EINVAL))
		return cli.ExitFailure
	}
	dev := [2]uint32{f.mount.Major, f.mount.Minor}
	var same []mountinfo.Mount
	for _, m := range mounts {
		if [2]uint32{m.Major, m.Minor} == dev {
			same = append(same, m)
		}
	}
	// The first that fails ends the list.
	for i := len(same) - 1; i >= 0; i-- {
		m := same[i]
		now, _ := mountinfo.Read(0)
		var code int
		switch {
		case o.Recursive:
			code = o.recurseFrom(now, m, flags)
		case !o.Fake && mountinfo.Table(now).Top(m.Target) == nil:
			// An unmount before took it by propagation (a peer's
			// mount at the same place): umount(8) looks the target
			// up again and, finding nothing, goes on.
		default:
			code = o.byTarget(now, m, flags)
		}
		if code != 0 {
			return code
		}
	}
	return 0
}
