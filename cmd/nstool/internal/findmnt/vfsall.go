package findmnt

import (
	"strings"

	"golang.org/x/sys/unix"
)

// linuxMap is libmount 2.38.1's Linux option map (optmap.c) in its order:
// each word, the MS_* bits it stands for, and whether it clears them
// (rw, exec, ...) rather than sets them. MS_NOSUB, which the map has only
// where the C library defines it, is not there on Linux's glibc.
var linuxMap = [...]struct {
	name   string
	id     uintptr
	invert bool
}{
	{"ro", unix.MS_RDONLY, false}, {"rw", unix.MS_RDONLY, true},
	{"exec", unix.MS_NOEXEC, true}, {"noexec", unix.MS_NOEXEC, false},
	{"suid", unix.MS_NOSUID, true}, {"nosuid", unix.MS_NOSUID, false},
	{"dev", unix.MS_NODEV, true}, {"nodev", unix.MS_NODEV, false},
	{"sync", unix.MS_SYNCHRONOUS, false}, {"async", unix.MS_SYNCHRONOUS, true},
	{"dirsync", unix.MS_DIRSYNC, false}, {"remount", unix.MS_REMOUNT, false},
	{"bind", unix.MS_BIND, false}, {"rbind", unix.MS_BIND | unix.MS_REC, false},
	{"silent", unix.MS_SILENT, false}, {"loud", unix.MS_SILENT, true},
	{"mand", unix.MS_MANDLOCK, false}, {"nomand", unix.MS_MANDLOCK, true},
	{"atime", unix.MS_NOATIME, true}, {"noatime", unix.MS_NOATIME, false},
	{"iversion", unix.MS_I_VERSION, false}, {"noiversion", unix.MS_I_VERSION, true},
	{"diratime", unix.MS_NODIRATIME, true}, {"nodiratime", unix.MS_NODIRATIME, false},
	{"relatime", unix.MS_RELATIME, false}, {"norelatime", unix.MS_RELATIME, true},
	{"strictatime", unix.MS_STRICTATIME, false}, {"nostrictatime", unix.MS_STRICTATIME, true},
	{"lazytime", unix.MS_LAZYTIME, false}, {"nolazytime", unix.MS_LAZYTIME, true},
	{"unbindable", unix.MS_UNBINDABLE, false}, {"runbindable", unix.MS_UNBINDABLE | unix.MS_REC, false},
	{"private", unix.MS_PRIVATE, false}, {"rprivate", unix.MS_PRIVATE | unix.MS_REC, false},
	{"slave", unix.MS_SLAVE, false}, {"rslave", unix.MS_SLAVE | unix.MS_REC, false},
	{"shared", unix.MS_SHARED, false}, {"rshared", unix.MS_SHARED | unix.MS_REC, false},
	{"symfollow", unix.MS_NOSYMFOLLOW, true}, {"nosymfollow", unix.MS_NOSYMFOLLOW, false},
}

// isVFSOption says whether name is in linuxMap: an option the kernel
// applies per mount, propagation included. None takes a value: "rw=1" is
// a filesystem option to libmount.
func isVFSOption(name string) bool {
	for _, m := range linuxMap {
		if m.name == name {
			return true
		}
	}
	return false
}

// allVFSOptions is findmnt --vfs-all's VFS-OPTIONS, libmount's
// mnt_fs_get_vfs_options_all: the MS_* flags an entry's options (all of
// them, merged) set, read in order by the Linux map (mnt_optstr_get_flags:
// a word with a value it does not take is skipped; "user" stands for
// noexec,nosuid,nodev, "owner" and "group" for nosuid,nodev), then every
// word of the map whose bits any flag has (rbind for bind: MS_BIND is
// one of its bits), or the clearing word where none is set.
func allVFSOptions(options string) string {
	if options == "" {
		return ""
	}
	var flags uintptr
	for _, o := range splitOptstr(options) {
		if o.hasValue && o.value != "" {
			continue // no word of either map that findmnt reads takes one
		}
		switch o.name {
		case "user", "users":
			flags |= unix.MS_NOEXEC | unix.MS_NOSUID | unix.MS_NODEV
			continue
		case "owner", "group":
			flags |= unix.MS_NOSUID | unix.MS_NODEV
			continue
		}
		for _, m := range linuxMap {
			if m.name == o.name {
				if m.invert {
					flags &^= m.id
				} else {
					flags |= m.id
				}
				break
			}
		}
	}
	words := make([]string, 0, len(linuxMap)/2)
	for _, m := range linuxMap {
		if flags&m.id != 0 {
			if !m.invert {
				words = append(words, m.name)
			}
		} else if m.invert {
			words = append(words, m.name)
		}
	}
	return strings.Join(words, ",")
}
