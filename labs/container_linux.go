package labs

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// makeContainer does, in the actor's new namespaces, what runc does in a
// container's (libcontainer/rootfs_linux.go), in its order: the propagation
// of the copied mount table, the root bound on itself, the volumes bound
// into it with their propagation, pivot_root(2), a fresh /proc, the old
// root detached (or, in a PID namespace without a root of its own, only a
// fresh /proc); then the hostname.
func makeContainer(a ActorStage) error {
	if flags := rootFlags(a.Root); flags != 0 {
		if err := unix.Mount("none", "/", "", flags, ""); err != nil {
			return fmt.Errorf("making its mounts %s: %w", a.Root, err)
		}
	}
	root := "/"
	if a.Rootfs != "" {
		root = a.Rootfs
		if err := bindRootOnItself(root); err != nil {
			return err
		}
	}
	for _, v := range a.Volumes {
		if err := bindVolume(root, v); err != nil {
			return err
		}
	}
	switch {
	case a.Rootfs != "":
		if err := pivotInto(root); err != nil {
			return err
		}
	case os.Getpid() == 1:
		// PID 1 of a PID namespace of its own keeps the sandbox's root: its
		// /proc is remounted for its namespace, as unshare(1) --mount-proc
		// does (private first, so that the mount cannot propagate).
		if err := unix.Mount("none", "/proc", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			return fmt.Errorf("making /proc private: %w", err)
		}
		if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
			return fmt.Errorf("mounting /proc: %w", err)
		}
	}
	if a.Rootfs == "" {
		if err := os.Chdir(LabDir); err != nil {
			os.Chdir("/")
		}
	}
	if a.Hostname {
		if err := unix.Sethostname([]byte(a.Name)); err != nil {
			return fmt.Errorf("sethostname: %w", err)
		}
	}
	return nil
}

// bindRootOnItself makes dir a mount point of its own, private: pivot_root(2)
// wants the new root to be a mount point, neither it nor its parent mount
// shared (EINVAL). The parent is made private first if it is shared, as
// runc does (rootfsParentMountPrivate): else the bind would propagate to the
// parent's peers, out of the container.
func bindRootOnItself(dir string) error {
	tab, err := mountinfo.Read(0)
	if err != nil {
		return err
	}
	if parent := holder(tab, dir); parent != nil && parent.Shared() {
		if err := unix.Mount("", parent.Target, "", unix.MS_PRIVATE, ""); err != nil {
			return fmt.Errorf("making %s, the parent of the rootfs, private: %w", parent.Target, err)
		}
	}
	if err := unix.Mount(dir, dir, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("binding the rootfs %s on itself: %w", dir, err)
	}
	if err := unix.Mount("", dir, "", unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making the rootfs private: %w", err)
	}
	return nil
}

// bindVolume binds v.Src onto v.Dst under root, as runc binds a Docker
// volume: mount(2) MS_BIND|MS_REC, then the mode's propagation change on the
// new mount. A bind of a shared mount onto a private one joins the source's
// peer group; rslave then makes it a slave of that group, rprivate cuts it
// off (mount_namespaces(7), sharedsubtree.rst).
func bindVolume(root string, v Volume) error {
	dst := filepath.Join(root, v.Dst)
	// A runtime makes the mount point if the image has none.
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("volume %s: %w", v, err)
	}
	if err := unix.Mount(v.Src, dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("volume %s: binding %s on %s: %w", v, v.Src, dst, err)
	}
	if err := unix.Mount("", dst, "", volumeModes[v.Mode], ""); err != nil {
		return fmt.Errorf("volume %s: making %s %s: %w", v, dst, v.Mode, err)
	}
	return nil
}

// pivotInto makes dir the actor's root as runc does (pivotRoot): pivot_root
// ".", "." stacks the old root on the new one (pivot_root(2) NOTES), a
// fresh /proc is mounted while the old one is still visible (proc(5): in a
// user namespace proc may be mounted only where a full proc is visible),
// then the old root is made a slave, so that its unmount cannot propagate
// to the peers outside, and detached.
func pivotInto(dir string) error {
	oldRoot, err := unix.Open("/", unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(oldRoot)
	if err := unix.Chdir(dir); err != nil {
		return err
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root into %s: %w", dir, err)
	}
	if err := unix.Fchdir(oldRoot); err != nil {
		return err
	}
	if err := freshProc(); err != nil {
		return err
	}
	if err := unix.Mount("", ".", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("making the old root a slave: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the old root: %w", err)
	}
	return unix.Chdir("/")
}

// freshProc mounts a proc for the actor's PID namespace on the new root's
// /proc; the cwd is the old root. A proc
// may be mounted only by a process with CAP_SYS_ADMIN over the user
// namespace that owns the PID namespace (proc(5)): an actor in a user
// namespace of its own but the sandbox's PID namespace may not, and gets
// the sandbox's /proc bound instead.
func freshProc() error {
	if err := os.MkdirAll("/proc", 0o555); err != nil {
		return err
	}
	err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
	if errors.Is(err, unix.EPERM) {
		// The cwd is the old root, stacked on the new: its proc is the
		// sandbox's.
		err = unix.Mount("proc", "/proc", "", unix.MS_BIND|unix.MS_REC, "")
	}
	if err != nil {
		return fmt.Errorf("mounting /proc: %w", err)
	}
	return nil
}

// reapForever waits for the children this process inherits: as a PID
// namespace's init it is the parent of every orphan there
// (pid_namespaces(7)), such as the processes of a shell that entered it.
func reapForever() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, unix.SIGCHLD)
	for {
		for {
			var ws unix.WaitStatus
			pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
		<-sig
	}
}
