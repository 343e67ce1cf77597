package cli

// The exit codes of the util-linux commands nstool reproduces. A script
// tests them, so they are util-linux's, not Go's.
const (
	// ExitFailure is EXIT_FAILURE: a command's own failure (findmnt found
	// nothing, lsns could not read /proc, unshare could not unshare).
	ExitFailure = 1
	// ExitUsage is a mistake in the command line. util-linux exits with
	// EXIT_FAILURE for it in findmnt, lsns, unshare and nsenter, and with
	// MNT_EX_USAGE, the same 1, in mount and umount.
	ExitUsage = 1
	// ExitMountFailure is MNT_EX_FAIL: mount(8) when a mount(2) call
	// fails, umount(8) for each target that could not be unmounted (the
	// codes of several targets add up, to at most 255).
	ExitMountFailure = 32
	// ExitSysErr is MNT_EX_SYSERR: mount(8) and umount(8) could not set
	// up what they work in (umount -N: the namespace could not be joined).
	ExitSysErr = 2
)
