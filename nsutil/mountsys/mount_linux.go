package mountsys

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/sysfmt"
)

// Call is one mount(2) or umount2(2) system call, kept as data so that
// commands can show it (--explain) before or after making it.
type Call struct {
	Op     string // "mount" or "umount2"
	Source string
	Target string
	FSType string
	Flags  uintptr // MS_* for mount, MNT_*/UMOUNT_* for umount2
	Data   string
}

// String renders the call as strace would, e.g.
// mount("none", "/lab/a", NULL, MS_REC|MS_SHARED, NULL).
func (c Call) String() string {
	if c.Op == "umount2" {
		return fmt.Sprintf("umount2(%s, %s)", strconv.Quote(c.Target), sysfmt.FormatUmountFlags(c.Flags))
	}
	return fmt.Sprintf("mount(%s, %s, %s, %s, %s)",
		quoteOrNull(c.Source), strconv.Quote(c.Target), quoteOrNull(c.FSType), sysfmt.FormatMountFlags(c.Flags), quoteOrNull(c.Data))
}

func quoteOrNull(s string) string {
	if s == "" {
		return "NULL"
	}
	return strconv.Quote(s)
}

// Do makes the system call. A failure is a *Error.
func (c Call) Do() error {
	var err error
	if c.Op == "umount2" {
		err = unix.Unmount(c.Target, int(c.Flags))
	} else {
		err = unix.Mount(c.Source, c.Target, c.FSType, c.Flags, c.Data)
	}
	if err != nil {
		return &Error{Call: c, Err: err}
	}
	return nil
}

// Error is a failed mount(2) or umount2(2); Err is the errno.
type Error = sysfmt.CallError[Call]

// Mount calls mount(2).
func Mount(source, target, fstype string, flags uintptr, data string) error {
	return Call{Op: "mount", Source: source, Target: target, FSType: fstype, Flags: flags, Data: data}.Do()
}

// Unmount calls umount2(2).
func Unmount(target string, flags int) error {
	return Call{Op: "umount2", Target: target, Flags: uintptr(flags)}.Do()
}
