package pivot

import (
	"fmt"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/sysfmt"
)

// Call is one pivot_root(2) call: the calling process's mount namespace
// gets NewRoot's mount as its root and the old root mount moves to PutOld.
// The paths are passed as given, resolved by the kernel against the
// caller's working directory and root.
type Call struct {
	NewRoot string
	PutOld  string
}

// String renders the call as strace does: pivot_root("/new", "/new/old").
func (c Call) String() string {
	return fmt.Sprintf("pivot_root(%s, %s)", strconv.Quote(c.NewRoot), strconv.Quote(c.PutOld))
}

// Do makes the system call. A failure is an *Error.
func (c Call) Do() error {
	if err := unix.PivotRoot(c.NewRoot, c.PutOld); err != nil {
		return &Error{Call: c, Err: err}
	}
	return nil
}

// Error is a failed pivot_root(2); Err is the errno.
type Error = sysfmt.CallError[Call]

// PutOldAfter is where put_old will be once the call succeeded: its path
// below new_root, as an absolute path in the new root ("/old"). Read it
// before the call; "" when the paths do not resolve or put_old is not under
// new_root.
func (c Call) PutOldAfter() string {
	newRoot, putOld := locate(c.NewRoot), locate(c.PutOld)
	if !under(putOld.abs, newRoot.abs) {
		return ""
	}
	rel, err := filepath.Rel(newRoot.abs, putOld.abs)
	if err != nil {
		return ""
	}
	return filepath.Join("/", rel)
}
