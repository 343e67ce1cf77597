package pivot

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/sysfmt"
)

// Condition is one of the kernel's requirements of pivot_root(2) that
// does not hold.
type Condition int

// The conditions, in the order the kernel checks them (and so, of several,
// the first is the one whose errno the call returns; the order of the
// groups checked on this 6.18 kernel: EPERM, the lookups, the shared
// mounts, EBUSY, then the other EINVALs).
const (
	NoCapability          Condition = iota + 1 // EPERM: no CAP_SYS_ADMIN
	BadPath                                    // new_root or put_old: no such directory (ENOENT, ENOTDIR, EACCES...)
	PutOldMountShared                          // EINVAL: the mount put_old lies on is shared
	NewRootParentShared                        // EINVAL: the parent of new_root's mount is shared
	RootParentShared                           // EINVAL: the parent of the current root's mount is shared
	NewRootOnRootMount                         // EBUSY: new_root is on the current root's mount
	PutOldOnRootMount                          // EBUSY: put_old is on the current root's mount
	RootNotMountPoint                          // EINVAL: the current root is no mount point (a chroot)
	RootNotAttached                            // EINVAL: the current root is its namespace's first mount (an initramfs)
	NewRootNotMountPoint                       // EINVAL: new_root is no mount point
	PutOldNotUnderNewRoot                      // EINVAL: put_old is not new_root or below it
)

// Problem is a condition that holds against the call, in pivot_root(2)'s
// words, with the usual way to meet it.
type Problem struct {
	Condition Condition
	Errno     unix.Errno // what the kernel returns for it
	Why       string
	Fix       string
}

// Check reads the state the kernel will judge c by (the caller's
// capabilities, both paths, the mount table, as the calling thread sees
// them) and returns every condition
// of pivot_root(2) that fails, in the kernel's order: the first is the
// one whose errno the call returns. None means the call should succeed,
// as far as nstool can see: the kernel also refuses (EINVAL) a new_root
// mount locked in a user namespace (mount_namespaces(7)) and mounts outside
// the caller's mount namespace, which nstool does not read. The error is
// for a mount table that cannot be read.
func Check(c Call) ([]Problem, error) {
	k := &checker{c: c}
	if !hasSysAdmin() {
		k.add(NoCapability, unix.EPERM, "run as root, or in a user namespace of your own: `nstool unshare --user --map-root-user --mount`",
			"the caller lacks CAP_SYS_ADMIN in the user namespace that owns its mount namespace")
		return k.out, nil // the kernel looks no further
	}
	k.newRoot, k.putOld, k.root = locate(c.NewRoot), locate(c.PutOld), locate("/")
	for _, p := range []place{k.newRoot, k.putOld} {
		if p.err != nil {
			var errno unix.Errno
			errors.As(p.err, &errno)
			fix := "create it: mkdir -p " + sysfmt.ShellQuote(p.path)
			if errno == unix.ENOTDIR {
				fix = "new_root and put_old must be directories"
			}
			k.add(BadPath, errno, fix, "%s: %s", quoteName(p.path), sysfmt.Strerror(errno))
			return k.out, nil
		}
	}
	mounts, err := mountinfo.Read(0)
	if err != nil {
		return nil, fmt.Errorf("cannot read the mount table: %w", err)
	}
	k.byID = make(map[int]*mountinfo.Mount, len(mounts))
	for i := range mounts {
		k.byID[mounts[i].ID] = &mounts[i]
	}
	rootAttached := k.shared()
	k.busy()
	k.mountPoints(rootAttached)
	return k.out, nil
}

// checker holds what Check has read and the problems found so far.
type checker struct {
	c                     Call
	newRoot, putOld, root place
	byID                  map[int]*mountinfo.Mount
	out                   []Problem
}

func (k *checker) add(cond Condition, errno unix.Errno, fix string, format string, args ...any) {
	k.out = append(k.out, Problem{Condition: cond, Errno: errno, Why: fmt.Sprintf(format, args...), Fix: fix})
}

// name is a mount in a sentence: "/lab (mount 42, shared:3)".
func (k *checker) name(id int) string {
	if m := k.byID[id]; m != nil {
		return fmt.Sprintf("%s (mount %d, %s)", m.Target, id, m.Propagation.Detail())
	}
	return fmt.Sprintf("mount %d", id)
}

// shared checks the shared mounts: pivot_root moves mounts, and a move
// under or out of a shared mount would propagate to other namespaces
// (pivot_root(2): "These restrictions ensure that pivot_root() never
// propagates any changes to another mount namespace"). It returns whether
// the current root's mount has a parent, which it learns on the way.
func (k *checker) shared() (rootAttached bool) {
	c := k.c
	if m := k.byID[k.putOld.mountID]; m != nil && m.Shared() {
		where := "the mount put_old " + quoteName(c.PutOld) + " lies on"
		if k.putOld.mountID == k.newRoot.mountID {
			where = "new_root's own mount, which put_old " + quoteName(c.PutOld) + " lies on,"
		}
		k.add(PutOldMountShared, unix.EINVAL, "mount --make-private "+sysfmt.ShellQuote(m.Target)+" (or, for the whole tree, mount --make-rprivate /)",
			"%s is shared: %s", where, k.name(m.ID))
	}
	if m := k.byID[k.newRoot.mountID]; m != nil {
		if p := k.byID[m.Parent]; p != nil && p.ID != m.ID && p.Shared() {
			k.add(NewRootParentShared, unix.EINVAL, "mount --make-private "+sysfmt.ShellQuote(p.Target)+" (or mount --make-rprivate /, as `unshare -m` does by default)",
				"the parent of new_root's mount is shared: %s", k.name(p.ID))
		}
	}
	rootMount := k.byID[k.root.mountID]
	// The first mount of a namespace is its own parent in mountinfo (proc(5)).
	rootAttached = rootMount == nil || rootMount.Parent != rootMount.ID
	if rootMount == nil || !rootAttached {
		return rootAttached
	}
	if p := k.byID[rootMount.Parent]; p != nil {
		if p.Shared() {
			k.add(RootParentShared, unix.EINVAL, "mount --make-private "+sysfmt.ShellQuote(p.Target),
				"the parent of the current root's mount is shared: %s", k.name(p.ID))
		}
	} else if info, ok := hiddenParent("/"); ok {
		// The parent lies outside the root: statmount(2) sees it.
		rootAttached = info.attached
		if info.shared {
			k.add(RootParentShared, unix.EINVAL, "outside this root, make the mount that the root's mount sits on private (mount --make-private), or chroot into a mount point on a private mount",
				"the parent of the current root's mount is shared: mount %d (shared:%d), outside this root", info.oldID, info.peer)
		}
	}
	return rootAttached
}

// busy checks the mounts that cannot move (EBUSY): new_root must be
// another mount than the root's, and put_old must not stay behind on the
// root's mount.
func (k *checker) busy() {
	c := k.c
	if k.newRoot.mountID == k.root.mountID {
		fix := "make new_root a mount point of its own: mount --bind " + sysfmt.ShellQuote(c.NewRoot) + " " + sysfmt.ShellQuote(c.NewRoot)
		why := "new_root " + quoteName(c.NewRoot) + " is on the current root's mount " + k.name(k.root.mountID)
		if k.newRoot.abs == "/" {
			fix = "new_root must be another directory than /"
			why = "new_root " + quoteName(c.NewRoot) + " is the current root itself"
		}
		k.add(NewRootOnRootMount, unix.EBUSY, fix, "%s", why)
	}
	if k.putOld.mountID == k.root.mountID {
		k.add(PutOldOnRootMount, unix.EBUSY, "put_old must be a directory under new_root: mkdir "+sysfmt.ShellQuote(c.NewRoot+"/old"),
			"put_old %s is on the current root's mount %s", quoteName(c.PutOld), k.name(k.root.mountID))
	}
}

// mountPoints checks the places (EINVAL): the current root a mount point
// with a parent, new_root a mount point, put_old at or under new_root.
func (k *checker) mountPoints(rootAttached bool) {
	c := k.c
	if !k.root.mountRoot {
		k.add(RootNotMountPoint, unix.EINVAL, "run pivot_root outside the chroot, with new_root made a mount point (mount --bind DIR DIR) instead of chrooting into it",
			"the current root is not a mount point (the process is in a chroot(2) into a directory)")
	} else if !rootAttached {
		k.add(RootNotAttached, unix.EINVAL, "an initramfs cannot be pivoted away: use switch_root(8) (it empties the initramfs, moves new_root onto / with mount --move and chroots there)",
			"the current root is its mount namespace's first mount (the initramfs's rootfs): it has no parent to put new_root on")
	}
	if !k.newRoot.mountRoot {
		k.add(NewRootNotMountPoint, unix.EINVAL, "mount --bind "+sysfmt.ShellQuote(c.NewRoot)+" "+sysfmt.ShellQuote(c.NewRoot),
			"new_root %s is not a mount point: it lies on %s", quoteName(c.NewRoot), k.name(k.newRoot.mountID))
	}
	if !under(k.putOld.abs, k.newRoot.abs) {
		k.add(PutOldNotUnderNewRoot, unix.EINVAL, "put_old must be new_root or a directory under it: mkdir "+sysfmt.ShellQuote(c.NewRoot+"/old"),
			"put_old %s (%s) is not at or under new_root %s (%s)", quoteName(c.PutOld), k.putOld.abs, quoteName(c.NewRoot), k.newRoot.abs)
	}
}

// hasSysAdmin reports whether the caller has CAP_SYS_ADMIN in its
// effective set (capabilities(7)); pivot_root(2) needs it in the user
// namespace that owns the caller's mount namespace, which for a process in
// its own user namespace is the one its effective set is about.
func hasSysAdmin() bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return true // the kernel will say
	}
	return data[0].Effective&(1<<unix.CAP_SYS_ADMIN) != 0
}
