package findmnt

import "strings"

// vfsPairs are the per-mount options --vfs-all prints, each as its "on"
// or "off" word, in libmount's order: what a mount's flags say, defaults
// included ("exec", "suid", "atime" are the absence of "noexec"...).
var vfsPairs = [...]struct{ unset, set string }{
	{"rw", "ro"}, {"exec", "noexec"}, {"suid", "nosuid"}, {"dev", "nodev"}, {"async", "sync"},
	{"loud", "silent"}, {"nomand", "mand"}, {"atime", "noatime"}, {"noiversion", "iversion"},
	{"diratime", "nodiratime"}, {"norelatime", "relatime"}, {"nostrictatime", "strictatime"},
	{"nolazytime", "lazytime"}, {"symfollow", "nosymfollow"},
}

// allVFSOptions is findmnt --vfs-all's VFS-OPTIONS: every pair's word for
// the flags that the mount's per-mount options (mountinfo field 6) and its
// superblock's (field 11: sync, lazytime live there) set, as libmount
// reads them.
func allVFSOptions(vfs, super string) string {
	on := map[string]bool{}
	for _, o := range strings.Split(vfs+","+super, ",") {
		on[o] = true
	}
	words := make([]string, 0, len(vfsPairs))
	for _, p := range vfsPairs {
		w := p.unset
		if on[p.set] {
			w = p.set
		}
		words = append(words, w)
	}
	return strings.Join(words, ",")
}
