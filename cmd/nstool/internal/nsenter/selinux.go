package nsenter

import (
	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil/mountinfo"
)

// selinuxEnabled answers what libselinux's is_selinux_enabled(3) answers
// util-linux nsenter for -Z: whether selinuxfs, the kernel's SELinux
// interface, is mounted: at /sys/fs/selinux, at the old /selinux, or
// anywhere else the mount table shows one. A kernel built with SELinux but
// booted without it (as this project's CI machine) registers no selinuxfs
// at all.
func selinuxEnabled() bool {
	for _, dir := range []string{"/sys/fs/selinux", "/selinux"} {
		var st unix.Statfs_t
		if unix.Statfs(dir, &st) == nil && uint32(st.Type) == unix.SELINUX_MAGIC {
			return true
		}
	}
	mounts, err := mountinfo.Read(0)
	if err != nil {
		return false
	}
	for _, m := range mounts {
		if m.FSType == "selinuxfs" {
			return true
		}
	}
	return false
}

// followContext is -Z/--follow-context: util-linux sets the target's
// SELinux context for the program (getpidcon(3), setexeccon(3)) when
// SELinux is enabled, and does nothing when it is not. nstool does the
// nothing; where SELinux is enabled it refuses in one line rather than run
// the program in the wrong context, after util-linux's own check that a
// target was given.
func followContext(enabled, haveTarget bool) error {
	switch {
	case !enabled:
		return nil
	case !haveTarget:
		return cli.Exitf(1, "no target PID specified for --follow-context")
	}
	return cli.Exitf(1, "--follow-context: nstool does not set SELinux contexts (SELinux is enabled here); use util-linux nsenter -Z")
}
