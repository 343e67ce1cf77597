package umount

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/mountsys"
)

// one unmounts the mount spec names: a directory given by its absolute
// path as typed (fastPath), else what the mount table says (lookup).
func (o *Options) one(spec string, flags int) int {
	if o.fastPath(spec) {
		var before []mountinfo.Mount
		if o.Explain { // for the report only: umount(8) reads no table here
			before, _ = mountinfo.Read(0)
		}
		return o.unmount(before, found{target: spec}, flags, false)
	}
	mounts, _ := mountinfo.Read(0)
	if o.Restricted {
		return o.restricted(mounts, spec, flags)
	}
	f := o.lookup(mounts, spec)
	if f.stacked {
		// umount(8) refuses rather than take the mount on top.
		o.warn("%s: umount failed: %s.", spec, cli.Strerror(unix.EINVAL))
		return cli.ExitFailure
	}
	return o.unmount(mounts, f, flags, true)
}

// byTarget unmounts m, which -R and -A reach in the table, as umount(8)
// unmounts the absolute path of its target: on the quick path when
// fastPath allows (no source in -v, no -r remount), else as found there.
func (o *Options) byTarget(before []mountinfo.Mount, m mountinfo.Mount, flags int) int {
	if o.fastPath(m.Target) {
		return o.unmount(before, found{target: m.Target}, flags, false)
	}
	return o.unmount(before, found{target: m.Target, mount: &m}, flags, true)
}

// unmount makes the umount2(2) call for f (none with --fake) and says what
// umount(8) says: the error for the target, or with -v "TARGET (SOURCE)
// unmounted" (withSource: the table gave the source; the quick path says
// "TARGET unmounted"). A busy mount with -r is remounted read-only
// instead, which counts as done; -d frees the loop device after.
func (o *Options) unmount(before []mountinfo.Mount, f found, flags int, withSource bool) int {
	if o.DetachLoop && f.mount != nil && !detachableLoop(f.mount.Source) {
		// libmount turns -d off, for this mount and every one after it
		// (umount(8) keeps its context's flags from one to the next),
		// once a mount's source is no loop device or one the kernel frees
		// by itself: those take the quick path, and -v names no source.
		o.DetachLoop = false
	}
	ex := mountcmd.NewExplainer(o.IO, o.Explain)
	var err error
	call := mountsys.Call{Op: "umount2", Target: f.target, Flags: uintptr(flags)}
	if o.Fake {
		ex.Note("%s (not made: --fake)", call)
	} else {
		err = call.Do()
		ex.Call(call, err)
	}
	var errno unix.Errno
	errors.As(err, &errno)
	if errno == unix.EBUSY && o.ReadOnly && f.mount != nil {
		// umount(8) -r: the read-only remount of the superblock.
		call := mountsys.Call{Op: "mount", Source: f.mount.Source, Target: f.target, Flags: unix.MS_REMOUNT | unix.MS_RDONLY}
		rerr := call.Do()
		ex.Call(call, rerr)
		if rerr == nil {
			err, errno = nil, 0
		}
	}
	if err != nil {
		if o.Quiet && errno == unix.EINVAL {
			return cli.ExitMountFailure
		}
		msg := umountMessage(errno)
		if errno == unix.EPERM && os.Geteuid() != 0 {
			msg += " " + mountcmd.RootHint
		}
		o.warn("%s: %s", f.target, msg)
		return cli.ExitMountFailure
	}
	if o.DetachLoop && !o.Fake {
		if f.mount == nil {
			// umount(8) -d looks the unmounted filesystem up for its
			// loop device; a path the table did not have (-c la/s)
			// fails there, after the unmount, and nothing more is said.
			o.warn("%s: filesystem was unmounted, but any subsequent operation failed: %s.", f.target, cli.Strerror(unix.EINVAL))
			return cli.ExitFailure
		}
		freeLoop(f.mount.Source)
	}
	if o.Explain && !o.Fake {
		after, _ := mountinfo.Read(0)
		ex.Change(before, after, nil)
		m := f.mount
		if m == nil { // the quick path: the report looks the mount up
			m = mountinfo.Table(before).Top(f.target)
		}
		if m != nil {
			ex.Rule(unmountRule(before, m))
		}
		if lostMaster(before, after) {
			ex.Rule("slaves of an unmounted mount that had no peers left pass to that mount's own master, or become private if it had none (the kernel's fs/pnode.c)")
		}
	}
	if o.Verbose {
		// umount(8) says this on stderr.
		if withSource && f.mount != nil && f.mount.Source != "" {
			o.warn("%s (%s) unmounted", f.target, f.mount.Source)
		} else {
			o.warn("%s unmounted", f.target)
		}
	}
	return 0
}
