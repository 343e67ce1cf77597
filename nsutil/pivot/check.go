package pivot

import (
	"errors"
	"fmt"
	"os"

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
	var out []Problem
	add := func(cond Condition, errno unix.Errno, fix string, format string, args ...any) {
		out = append(out, Problem{Condition: cond, Errno: errno, Why: fmt.Sprintf(format, args...), Fix: fix})
	}
	if !hasSysAdmin() {
		add(NoCapability, unix.EPERM, "run as root, or in a user namespace of your own: `nstool unshare --user --map-root-user --mount`",
			"the caller lacks CAP_SYS_ADMIN in the user namespace that owns its mount namespace")
		return out, nil // the kernel looks no further
	}
	newRoot, putOld, root := locate(c.NewRoot), locate(c.PutOld), locate("/")
	for _, p := range []place{newRoot, putOld} {
		if p.err != nil {
			var errno unix.Errno
			errors.As(p.err, &errno)
			fix := "create it: mkdir -p " + shellQuote(p.path)
			if errno == unix.ENOTDIR {
				fix = "new_root and put_old must be directories"
			}
			add(BadPath, errno, fix, "%s: %s", quoteName(p.path), sysfmt.Strerror(errno))
			return out, nil
		}
	}
	mounts, err := threadTable()
	if err != nil {
		return nil, fmt.Errorf("cannot read the mount table: %w", err)
	}
	byID := make(map[int]*mountinfo.Mount, len(mounts))
	for i := range mounts {
		byID[mounts[i].ID] = &mounts[i]
	}
	name := func(id int) string {
		if m := byID[id]; m != nil {
			return fmt.Sprintf("%s (mount %d, %s)", m.Target, id, m.Propagation.Detail())
		}
		return fmt.Sprintf("mount %d", id)
	}

	// The shared mounts: pivot_root moves mounts, and a move under or out
	// of a shared mount would propagate to other namespaces
	// (pivot_root(2): "These restrictions ensure that pivot_root() never
	// propagates any changes to another mount namespace").
	if m := byID[putOld.mountID]; m != nil && m.Shared() {
		where := "the mount put_old " + quoteName(c.PutOld) + " lies on"
		if putOld.mountID == newRoot.mountID {
			where = "new_root's own mount, which put_old " + quoteName(c.PutOld) + " lies on,"
		}
		add(PutOldMountShared, unix.EINVAL, "mount --make-private "+shellQuote(m.Target)+" (or, for the whole tree, mount --make-rprivate /)",
			"%s is shared: %s", where, name(m.ID))
	}
	if m := byID[newRoot.mountID]; m != nil {
		if p := byID[m.Parent]; p != nil && p.ID != m.ID && p.Shared() {
			add(NewRootParentShared, unix.EINVAL, "mount --make-private "+shellQuote(p.Target)+" (or mount --make-rprivate /, as `unshare -m` does by default)",
				"the parent of new_root's mount is shared: %s", name(p.ID))
		}
	}
	rootMount := byID[root.mountID]
	rootAttached := rootMount == nil || rootMount.Parent != rootMount.ID
	if rootMount != nil && rootAttached {
		if p := byID[rootMount.Parent]; p != nil {
			if p.Shared() {
				add(RootParentShared, unix.EINVAL, "mount --make-private "+shellQuote(p.Target),
					"the parent of the current root's mount is shared: %s", name(p.ID))
			}
		} else if info, ok := hiddenParent("/"); ok {
			// The parent lies outside the root (statmount(2) sees it).
			rootAttached = info.attached
			if info.shared {
				add(RootParentShared, unix.EINVAL, "outside this root, make the mount that the root's mount sits on private (mount --make-private), or chroot into a mount point on a private mount",
					"the parent of the current root's mount is shared: mount %d (shared:%d), outside this root", info.oldID, info.peer)
			}
		}
	}

	// The mounts that cannot move: new_root must be another mount than the
	// root, and put_old must not stay behind on the root's mount.
	if newRoot.mountID == root.mountID {
		fix := "make new_root a mount point of its own: mount --bind " + shellQuote(c.NewRoot) + " " + shellQuote(c.NewRoot)
		why := "new_root " + quoteName(c.NewRoot) + " is on the current root's mount " + name(root.mountID)
		if newRoot.abs == "/" {
			fix = "new_root must be another directory than /"
			why = "new_root " + quoteName(c.NewRoot) + " is the current root itself"
		}
		add(NewRootOnRootMount, unix.EBUSY, fix, "%s", why)
	}
	if putOld.mountID == root.mountID {
		add(PutOldOnRootMount, unix.EBUSY, "put_old must be a directory under new_root: mkdir "+shellQuote(c.NewRoot+"/old"),
			"put_old %s is on the current root's mount %s", quoteName(c.PutOld), name(root.mountID))
	}

	// The mount points.
	if !root.mountRoot {
		add(RootNotMountPoint, unix.EINVAL, "run pivot_root outside the chroot, with new_root made a mount point (mount --bind DIR DIR) instead of chrooting into it",
			"the current root is not a mount point (the process is in a chroot(2) into a directory)")
	} else if !rootAttached {
		add(RootNotAttached, unix.EINVAL, "an initramfs cannot be pivoted away: use switch_root(8) (it empties the initramfs, moves new_root onto / with mount --move and chroots there)",
			"the current root is its mount namespace's first mount (the initramfs's rootfs): it has no parent to put new_root on")
	}
	if !newRoot.mountRoot {
		add(NewRootNotMountPoint, unix.EINVAL, "mount --bind "+shellQuote(c.NewRoot)+" "+shellQuote(c.NewRoot),
			"new_root %s is not a mount point: it lies on %s", quoteName(c.NewRoot), name(newRoot.mountID))
	}
	if !under(putOld.abs, newRoot.abs) {
		add(PutOldNotUnderNewRoot, unix.EINVAL, "put_old must be new_root or a directory under it: mkdir "+shellQuote(c.NewRoot+"/old"),
			"put_old %s (%s) is not at or under new_root %s (%s)", quoteName(c.PutOld), putOld.abs, quoteName(c.NewRoot), newRoot.abs)
	}
	return out, nil
}

// threadTable is the mount table as the calling thread sees it (its root,
// its mount namespace: proc(5) /proc/thread-self), which is what
// pivot_root(2) judges; the threads of a Go program share both, unless one
// has unshared them on its own.
func threadTable() ([]mountinfo.Mount, error) {
	f, err := os.Open("/proc/thread-self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	mounts, _, err := mountinfo.Parse(f)
	return mounts, err
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
