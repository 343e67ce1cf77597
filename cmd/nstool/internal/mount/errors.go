package mount

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/mountopt"
)

// mountFailure turns a failed call into util-linux's message and exit code:
// "TARGET: what went wrong." and 32. The wording follows libmount's
// mnt_context_get_mount_excode() for each errno.
func mountFailure(p *plan, st step, err error, mainDone bool) error {
	var ee *cli.ExitError
	if errors.As(err, &ee) {
		return err
	}
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return cli.Exitf(cli.ExitMountFailure, "%s: %v.", p.spec, err)
	}
	if mainDone {
		return cli.Exitf(cli.ExitMountFailure, "%s: filesystem was mounted, but any subsequent operation failed: %s.", p.spec, cli.Strerror(errno))
	}
	msg, noDevice := mountMessage(p, st, errno)
	if noDevice && p.opts.Has("nofail") {
		return nil // libmount: nofail forgives a device that is not there
	}
	if errno == unix.EPERM && os.Geteuid() != 0 {
		// libmount refuses before any system call: no dmesg line.
		return cli.Exitf(cli.ExitMountFailure, "%s: %s %s", p.spec, msg, mountcmd.RootHint)
	}
	return cli.Exitf(cli.ExitMountFailure, "%s: %s%s", p.spec, msg, dmesgHint)
}

// dmesgHint is the line mount(8) adds after a failed mount(2) system call,
// indented as util-linux indents it.
const dmesgHint = "\n       dmesg(1) may have more information after failed mount system call."

// isTag reports whether an argument is a tag (LABEL=x), as mount(8)
// tells a source from a target.
func isTag(arg string) bool {
	_, ok := mountcmd.TagDevice(arg)
	return ok
}

// resolveTag turns a tag source (mountcmd.TagDevice) into its device; a
// tag that names no device is util-linux's "TARGET: can't find UUID=...",
// exit 1, with the target as typed. Anything else is a path, returned as
// it is.
func resolveTag(source, target string, o mountopt.Options) (string, error) {
	dev, ok := mountcmd.TagDevice(source)
	switch {
	case !ok:
		return source, nil
	case dev == "" && o.Has("nofail"):
		return "", cli.Exit(0) // nofail: no such device is no failure
	case dev == "":
		return "", cli.Exitf(cli.ExitUsage, "%s: can't find %s.", target, source)
	}
	return dev, nil
}

// mountMessage is libmount's words for a failed mount(2), and whether they
// say the source is not there or no usable device: what nofail forgives
// (libmount's exit-code rules return success there, silently).
func mountMessage(p *plan, st step, errno unix.Errno) (msg string, noDevice bool) {
	tgt := p.target
	src := p.source
	shown := src // what the messages print for the source
	if p.noSource {
		shown = "(null)" // libmount has none: glibc's printf of NULL
	}
	// libmount words errors by the flags of all the calls it planned
	// (mnt_context_get_mflags), not only the failed one: a failed bind of
	// "--bind -o ro" is reported as a remount.
	var flags uintptr
	for _, s := range p.steps {
		flags |= s.call.Flags
	}
	var stt unix.Stat_t
	switch errno {
	case unix.EPERM:
		if os.Geteuid() != 0 {
			return "must be superuser to use mount.", false
		}
		if unix.Stat(tgt, &stt) != nil || stt.Mode&unix.S_IFMT != unix.S_IFDIR {
			return "mount point is not a directory.", false
		}
		return "permission denied.", false
	case unix.EBUSY:
		if flags&unix.MS_REMOUNT != 0 {
			return "mount point is busy.", false
		}
		if src != "" {
			if mounts, err := mountinfo.Read(0); err == nil {
				for _, m := range mounts {
					if m.Source == src && m.Target != "" {
						return fmt.Sprintf("%s already mounted on %s.", src, m.Target), false
					}
				}
			}
		}
		return fmt.Sprintf("%s already mounted or mount point busy.", shown), false
	case unix.ENOENT:
		switch {
		case unix.Lstat(tgt, &stt) != nil:
			return "mount point does not exist.", false
		case unix.Stat(tgt, &stt) != nil:
			return "mount point is a symbolic link to nowhere.", false
		case src != "" && !p.propagationOnly && !p.remount && unix.Stat(src, &stt) != nil:
			return fmt.Sprintf("special device %s does not exist.", src), true
		}
	case unix.ENOTDIR:
		if unix.Stat(tgt, &stt) != nil || stt.Mode&unix.S_IFMT != unix.S_IFDIR {
			return "mount point is not a directory.", false
		}
		if src != "" && errors.Is(unix.Stat(src, &stt), unix.ENOTDIR) {
			return fmt.Sprintf("special device %s does not exist (a path prefix is not a directory).", src), true
		}
	case unix.EINVAL:
		switch {
		case flags&unix.MS_REMOUNT != 0:
			return "mount point not mounted or bad option.", false
		case st.kind == stepPropagation:
			return "not mount point or bad option.", false
		case flags&unix.MS_MOVE != 0 && underSharedMount(src):
			return "bad option; moving a mount residing under a shared mount is unsupported.", false
		}
		return fmt.Sprintf("wrong fs type, bad option, bad superblock on %s, missing codepage or helper program, or other error.", shown), false
	case unix.EMFILE:
		return "mount table full.", false
	case unix.EIO:
		return fmt.Sprintf("can't read superblock on %s.", shown), false
	case unix.ENODEV:
		// A -t list was tried type by type: libmount names none of them.
		if len(p.tryTypes) == 0 && (st.call.FSType != "" || p.emptyType) {
			return fmt.Sprintf("unknown filesystem type '%s'.", st.call.FSType), false
		}
		return "unknown filesystem type.", false
	case unix.ENOTBLK:
		switch {
		case src != "" && unix.Stat(src, &stt) != nil:
			return fmt.Sprintf("%s is not a block device, and stat(2) fails?", src), true
		case stt.Mode&unix.S_IFMT == unix.S_IFBLK:
			return fmt.Sprintf("the kernel does not recognize %s as a block device; maybe \"modprobe driver\" is necessary.", src), true
		case stt.Mode&unix.S_IFMT == unix.S_IFREG:
			return fmt.Sprintf("%s is not a block device; try \"-o loop\".", src), true
		}
		return fmt.Sprintf("%s is not a block device.", src), true
	case unix.ENXIO:
		return fmt.Sprintf("%s is not a valid block device.", shown), true
	case unix.EACCES, unix.EROFS:
		switch {
		case flags&unix.MS_RDONLY != 0:
			return fmt.Sprintf("cannot mount %s read-only.", shown), false
		case flags&unix.MS_REMOUNT != 0:
			return fmt.Sprintf("cannot remount %s read-write, is write-protected.", shown), false
		case flags&unix.MS_BIND != 0:
			return fmt.Sprintf("bind %s failed.", shown), false
		}
	case unix.ENOMEDIUM:
		return fmt.Sprintf("no medium found on %s.", shown), true
	}
	return fmt.Sprintf("mount(2) system call failed: %s.", cli.Strerror(errno)), false
}

// underSharedMount reports whether the mount at path sits on a shared
// parent: the kernel refuses to move such a mount (mount(2), EINVAL:
// "the parent mount of the mount being moved has propagation type
// MS_SHARED").
func underSharedMount(path string) bool {
	mounts, err := mountinfo.Read(0)
	if err != nil {
		return false
	}
	m := mounts.Top(path)
	if m == nil {
		return false
	}
	if parent := mounts.ByID(m.Parent); parent != nil {
		return parent.Shared()
	}
	return false
}
