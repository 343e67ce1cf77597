package labs

import (
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// A Volume is a host folder bound into an actor, as `docker run -v
// SRC:DST[:MODE]` binds it: the bind (MS_BIND|MS_REC, Docker's default
// "rbind"), then the propagation change of MODE on the new mount.
type Volume struct {
	Src, Dst string
	Mode     string // one of volumeModes; rprivate when not given
}

// volumeModes are Docker's bind propagation words and what each makes of
// the bind, as mount(2) flags (mount_namespaces(7)). Kubernetes'
// mountPropagation None, HostToContainer and Bidirectional are rprivate,
// rslave and rshared.
var volumeModes = map[string]uintptr{
	"private":  unix.MS_PRIVATE,
	"rprivate": unix.MS_REC | unix.MS_PRIVATE,
	"slave":    unix.MS_SLAVE,
	"rslave":   unix.MS_REC | unix.MS_SLAVE,
	"shared":   unix.MS_SHARED,
	"rshared":  unix.MS_REC | unix.MS_SHARED,
}

// VolumeModes lists the modes --volume takes, for help texts.
const VolumeModes = "private, rprivate, slave, rslave, shared or rshared"

// ParseVolume reads SRC:DST[:MODE]. Both paths are absolute, as Docker
// wants of a bind (a bare name would be a named volume, which the labs do
// not have).
func ParseVolume(spec string) (Volume, error) {
	parts := strings.Split(spec, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return Volume{}, fmt.Errorf("invalid volume specification: %q (SRC:DST[:MODE])", spec)
	}
	v := Volume{Src: parts[0], Dst: parts[1], Mode: "rprivate"}
	if len(parts) == 3 {
		v.Mode = parts[2]
	}
	if !filepath.IsAbs(v.Src) || !filepath.IsAbs(v.Dst) {
		return Volume{}, fmt.Errorf("invalid volume specification: %q: SRC and DST must be absolute paths", spec)
	}
	if _, ok := volumeModes[v.Mode]; !ok {
		return Volume{}, fmt.Errorf("invalid mode: %s (%s)", v.Mode, VolumeModes)
	}
	v.Dst = filepath.Clean(v.Dst)
	return v, nil
}

// String is the volume as -v takes it.
func (v Volume) String() string { return v.Src + ":" + v.Dst + ":" + v.Mode }

// sharedMode and slaveMode are the modes that need a shared source, and a
// shared or slave one.
func (v Volume) sharedMode() bool { return v.Mode == "shared" || v.Mode == "rshared" }
func (v Volume) slaveMode() bool  { return v.Mode == "slave" || v.Mode == "rslave" }

// checkSource refuses a volume as Docker's daemon does (moby
// daemon/oci_linux.go, ensureShared and ensureSharedOrSlave): the mount
// that holds SRC, in the runtime's own mount table (tab, the caller's), must
// be shared for a shared mode, shared or a slave for a slave mode. Without
// that the bind could not receive (or send) anything: a bind of a private
// mount is private, and making a private mount a slave leaves it private.
func (v Volume) checkSource(tab []mountinfo.Mount) error {
	if !v.sharedMode() && !v.slaveMode() {
		return nil
	}
	path, err := filepath.EvalSymlinks(v.Src)
	if err != nil {
		return err
	}
	return v.refusal(holder(tab, path))
}

// refusal is Docker's error for the volume whose source is held by m.
func (v Volume) refusal(m *mountinfo.Mount) error {
	if m == nil {
		return fmt.Errorf("can't find mount point of %s", v.Src)
	}
	switch {
	case v.sharedMode() && !m.Shared():
		return fmt.Errorf("path %s is mounted on %s but it is not a shared mount", v.Src, m.Target)
	case v.slaveMode() && !m.Shared() && !m.Slave():
		return fmt.Errorf("path %s is mounted on %s but it is not a shared or slave mount", v.Src, m.Target)
	}
	return nil
}

// holder is the mount on top of the longest mount point at or above path.
func holder(tab []mountinfo.Mount, path string) *mountinfo.Mount {
	var best *mountinfo.Mount
	for i := range tab {
		t := tab[i].Target
		if t != "/" && t != path && !strings.HasPrefix(path, t+"/") {
			continue
		}
		if best == nil || len(t) >= len(best.Target) {
			best = &tab[i]
		}
	}
	return best
}

// rootPropagation is the propagation a runtime gives the container's copy
// of the mount table ("/" and, for the r-words, all below), in Docker's
// words, from the actor's --propagation and its volumes. As Docker does
// (moby daemon/oci_linux.go, WithMounts): a shared volume needs "/" shared
// (made "shared" unless it is already shared or rshared), a slave volume
// needs it shared or a slave (made "rslave" otherwise), so that the
// volume's source keeps receiving in the container's namespace.
func rootPropagation(propagation string, vols []Volume) string {
	root := map[string]string{"private": "rprivate", "slave": "rslave", "shared": "rshared", "unchanged": "unchanged"}[propagation]
	for _, v := range vols {
		switch {
		case v.sharedMode() && root != "rshared" && root != "shared" && root != "unchanged":
			root = "shared"
		case v.slaveMode() && root == "rprivate":
			root = "rslave"
		}
	}
	return root
}

// rootFlags are the mount(2) flags of a root propagation word; 0 leaves the
// copy as the kernel made it (peers of the shared mounts it copied).
func rootFlags(word string) uintptr {
	if word == "unchanged" {
		return 0
	}
	return volumeModes[word]
}
