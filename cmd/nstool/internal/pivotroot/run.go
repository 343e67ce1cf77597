package pivotroot

import (
	"errors"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd"
	"github.com/nstool/nstool/nsutil/pivot"
)

// run makes the call, as pivot_root(8) does: the paths as given, one
// line and exit 1 on failure.
func run(o *Options) error {
	call := pivot.Call{NewRoot: o.NewRoot, PutOld: o.PutOld}
	ex := mountcmd.NewExplainer(o.IO, o.Explain)
	// The conditions are read before the call: after a pivot, the paths
	// mean other things.
	var problems []pivot.Problem
	var checkErr error
	var putOldAfter string
	if o.Explain {
		problems, checkErr = pivot.Check(call)
		putOldAfter = call.PutOldAfter()
	}
	err := call.Do()
	ex.Note("%s = %s", call, mountcmd.Result(err))
	if o.Explain {
		explain(ex, call, putOldAfter, err, problems, checkErr)
	}
	if err != nil {
		return cli.Exitf(cli.ExitFailure, "failed to change root from `%s' to `%s': %s", o.NewRoot, o.PutOld, cli.Strerror(err))
	}
	return nil
}

// explain reports, after the call, why it failed (each condition that held,
// the kernel's first) or what it did.
func explain(ex *mountcmd.Explainer, call pivot.Call, putOldAfter string, err error, problems []pivot.Problem, checkErr error) {
	if err == nil {
		// pivot_root(2): the root and working directory of every process in
		// the namespace that were the old root become new_root.
		ex.Note("  / is now the mount that was at `%s'; the old root mount is at %s", call.NewRoot, putOldAfter)
		ex.Note("  next, as a container runtime does: cd /; umount -l %s (the host's mounts go out of reach)", putOldAfter)
		return
	}
	if checkErr != nil {
		ex.Note("  cannot tell why: %v", checkErr)
		return
	}
	var errno unix.Errno
	errors.As(err, &errno)
	// The first condition with the call's errno is the kernel's reason;
	// the others would stop the call next.
	found := false
	for _, p := range problems {
		label := "also"
		if !found && p.Errno == errno {
			label, found = "why", true
		}
		ex.Note("  %s (%s): %s", label, unix.ErrnoName(p.Errno), p.Why)
		ex.Note("    fix: %s", p.Fix)
	}
	if !found {
		ex.Note("  why: none of the conditions nstool reads fails for %s; the kernel also refuses a new_root mount locked in a user namespace (an inherited mount, mount_namespaces(7)) and mounts outside the caller's mount namespace", unix.ErrnoName(errno))
	}
}
