package spawn

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/sysfmt"
)

// persistError is a namespace file that could not be bound onto its target.
type persistError struct {
	Source, Target string
	Err            error
	// SharedParent: the target lives on a shared mount, where the kernel
	// refuses a mount namespace file (it could propagate into itself).
	SharedParent string
}

func (e *persistError) Error() string {
	msg := fmt.Sprintf("mount %s on %s failed: %s", e.Source, e.Target, errnoText(e.Err))
	if e.SharedParent != "" {
		msg += fmt.Sprintf(" (%s is on the shared mount %s: a mount namespace file cannot be bound there; ", e.Target, e.SharedParent)
		// The fix unshare(1) shows: the file's folder as a private mount
		// of its own, the shared mount (a systemd host's / or /run) left as
		// it is.
		dir := filepath.Dir(e.Target)
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		if dir != e.SharedParent {
			msg += fmt.Sprintf("give its folder a private mount of its own: `nstool mount --bind %s %s && nstool mount --make-private %s`)", dir, dir, dir)
		} else {
			msg += fmt.Sprintf("make it private first: `nstool mount --make-private %s`)", dir)
		}
	}
	return msg
}

func (e *persistError) Unwrap() error { return e.Err }

// ErrPersistAgain asks for a fresh mount namespace: see BindNamespaceFiles.
var ErrPersistAgain = errors.New("bind of the mount namespace refused: make it again")

func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return sysfmt.Strerror(errno)
	}
	return err.Error()
}

// BindNamespaceFiles bind-mounts procDir/ns/* (procDir is /proc/PID or
// /proc/PID/task/TID) onto the files in persist (keyed by CLONE_NEW*), in
// util-linux's order, as unshare --mount=FILE does. It must run in the
// original mount namespace. done records what is bound (a retry binds only
// the rest).
//
// A mount namespace file is refused with EINVAL when the target is on a
// shared mount (a real error: persistError.SharedParent says so) and when
// the new namespace's ID is not greater than ours (mnt_ns_loop in
// fs/namespace.c). Since Linux 6.18 namespace IDs come from per-CPU batches,
// so a namespace made on one CPU can get a smaller ID than an older one made
// on another: then it returns ErrPersistAgain, and the caller makes the mount
// namespace again on another CPU (see Spawn's StepPause) and calls back.
func BindNamespaceFiles(procDir string, persist map[uintptr]string, done map[uintptr]bool) error {
	for _, t := range namespaces.SetnsOrder {
		ns := &namespaces.Table[t]
		target, ok := persist[ns.Flag]
		if !ok || done[ns.Flag] {
			continue
		}
		src := procDir + "/ns/" + ns.ForChildren
		err := unix.Mount(src, target, "", unix.MS_BIND, "")
		if err == nil {
			done[ns.Flag] = true
			continue
		}
		perr := &persistError{Source: shownProcDir(procDir) + "/ns/" + ns.ForChildren, Target: target, Err: err}
		if ns.Flag == unix.CLONE_NEWNS && errors.Is(err, unix.EINVAL) {
			if parent := sharedParent(target); parent != "" {
				perr.SharedParent = parent
				return perr
			}
			return fmt.Errorf("%w: %w", ErrPersistAgain, perr)
		}
		return perr
	}
	return nil
}

// shownProcDir is procDir as util-linux's message names it, /proc/ID: a
// thread's /proc/PID/task/TID is also /proc/TID (a directory readdir does
// not list, with that thread's namespaces).
func shownProcDir(procDir string) string {
	if _, tid, ok := strings.Cut(procDir, "/task/"); ok {
		return "/proc/" + tid
	}
	return procDir
}

// sharedParent returns the mount point holding path if that mount is
// shared, else "".
func sharedParent(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	mounts, err := mountinfo.Read(0)
	if err != nil {
		return ""
	}
	if m := mounts.Containing(abs); m != nil && m.PeerGroup != 0 {
		return m.Target
	}
	return ""
}
