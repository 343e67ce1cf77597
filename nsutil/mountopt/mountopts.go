package mountopt

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// Options is a mount(8) option list ("-o ro,nosuid,size=1m,shared")
// split the way util-linux's libmount splits it: MS_* flags for the main
// mount(2) call, propagation changes that need a mount(2) call each (the
// kernel takes one propagation type per call: mount(2), "Changing the
// propagation type of an existing mount"), filesystem data for the kernel,
// and options that only mean something to mount(8) itself.
type Options struct {
	// Flags are the MS_* flags of the main call, propagation types removed.
	Flags uintptr
	// Propagation lists the propagation changes in the order named, each
	// one MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE, with MS_REC for
	// the r* forms. As libmount does, a type named a second time (shared
	// after rshared, private after private) is dropped.
	Propagation []uintptr
	// Dropped are the propagation words dropped for that reason, so that
	// --explain can say so.
	Dropped []string
	// Data is the filesystem-specific rest ("size=1m,mode=700"), passed to
	// mount(2) as its last argument.
	Data string
	// Userspace are options for mount(8) and fstab, never for the kernel
	// (defaults, noauto, nofail, x-*, comment=...).
	Userspace []string
	// Move is the "move" pseudo-option (mount -o move = --move).
	Move bool
}

// PropagationOnly reports whether the options ask for nothing but
// propagation changes.
func (o Options) PropagationOnly() bool {
	return len(o.Propagation) > 0 && o.Flags&^unix.MS_SILENT == 0 && o.Data == "" && !o.Move
}

type optFlag struct {
	flag   uintptr
	invert bool // "rw", "exec", ...: clear the flag
}

// vfsOptions are the fs-independent options (mount(8), "FILESYSTEM-INDEPENDENT
// MOUNT OPTIONS"), as libmount maps them.
var vfsOptions = map[string]optFlag{
	"ro": {unix.MS_RDONLY, false}, "rw": {unix.MS_RDONLY, true},
	"noexec": {unix.MS_NOEXEC, false}, "exec": {unix.MS_NOEXEC, true},
	"nosuid": {unix.MS_NOSUID, false}, "suid": {unix.MS_NOSUID, true},
	"nodev": {unix.MS_NODEV, false}, "dev": {unix.MS_NODEV, true},
	"sync": {unix.MS_SYNCHRONOUS, false}, "async": {unix.MS_SYNCHRONOUS, true},
	"dirsync": {unix.MS_DIRSYNC, false},
	"remount": {unix.MS_REMOUNT, false},
	"bind":    {unix.MS_BIND, false}, "rbind": {unix.MS_BIND | unix.MS_REC, false},
	"silent": {unix.MS_SILENT, false}, "loud": {unix.MS_SILENT, true},
	"mand": {unix.MS_MANDLOCK, false}, "nomand": {unix.MS_MANDLOCK, true},
	"noatime": {unix.MS_NOATIME, false}, "atime": {unix.MS_NOATIME, true},
	"iversion": {unix.MS_I_VERSION, false}, "noiversion": {unix.MS_I_VERSION, true},
	"nodiratime": {unix.MS_NODIRATIME, false}, "diratime": {unix.MS_NODIRATIME, true},
	"relatime": {unix.MS_RELATIME, false}, "norelatime": {unix.MS_RELATIME, true},
	"strictatime": {unix.MS_STRICTATIME, false}, "nostrictatime": {unix.MS_STRICTATIME, true},
	"lazytime": {unix.MS_LAZYTIME, false}, "nolazytime": {unix.MS_LAZYTIME, true},
	"nosymfollow": {unix.MS_NOSYMFOLLOW, false}, "symfollow": {unix.MS_NOSYMFOLLOW, true},
}

// propagationOptions are the propagation words of -o and --make-*.
var propagationOptions = map[string]uintptr{
	"shared": unix.MS_SHARED, "rshared": unix.MS_SHARED | unix.MS_REC,
	"slave": unix.MS_SLAVE, "rslave": unix.MS_SLAVE | unix.MS_REC,
	"private": unix.MS_PRIVATE, "rprivate": unix.MS_PRIVATE | unix.MS_REC,
	"unbindable": unix.MS_UNBINDABLE, "runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

const propagationTypes = unix.MS_SHARED | unix.MS_SLAVE | unix.MS_PRIVATE | unix.MS_UNBINDABLE

// userspaceOptions mean something to mount(8) or fstab, not to the kernel.
var userspaceOptions = map[string]bool{
	"defaults": true, "auto": true, "noauto": true, "user": true, "nouser": true,
	"users": true, "nousers": true, "owner": true, "noowner": true, "group": true,
	"nogroup": true, "_netdev": true, "nofail": true, "comment": true,
}

// impliedFlags are what the fstab words for a user's mount imply, there
// and then (a later "exec" undoes "user"'s noexec), as libmount applies
// them even for root: mount(8), "user", "users", "owner", "group".
var impliedFlags = map[string]uintptr{
	"user":  unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC,
	"users": unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC,
	"owner": unix.MS_NOSUID | unix.MS_NODEV,
	"group": unix.MS_NOSUID | unix.MS_NODEV,
}

// Has says whether the userspace option name (nofail, user, x-...) was
// given.
func (o Options) Has(name string) bool {
	for _, u := range o.Userspace {
		if u == name {
			return true
		}
	}
	return false
}

// UnsupportedOptionError is an option that asks mount(8) to set something up
// (a loop or verity device, a helper) that nstool does not do.
type UnsupportedOptionError struct{ Option string }

func (e *UnsupportedOptionError) Error() string {
	return fmt.Sprintf("option %q needs a loop or verity device or a mount helper, which nstool does not set up (use losetup(8) and mount the device)", e.Option)
}

// Split splits an option string at commas outside double quotes
// (SELinux contexts are quoted: context="a,b").
func Split(optstr string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(optstr); i++ {
		switch optstr[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				if i > start {
					out = append(out, optstr[start:i])
				}
				start = i + 1
			}
		}
	}
	if start < len(optstr) {
		out = append(out, optstr[start:])
	}
	return out
}

// Parse splits a comma-separated option list as mount(8) does, with
// libmount's fix-up of uid and gid options (fixID); an IDOptionError
// comes with the Options complete.
func Parse(optstr string) (Options, error) {
	var o Options
	opts := Split(optstr)
	var all uintptr // every flag named, as libmount computes it, in order
	var data []string
	var idErr error // the first uid or gid option without a value
	for _, opt := range opts {
		name, _, _ := strings.Cut(opt, "=")
		if f, ok := vfsOptions[opt]; ok {
			if f.invert {
				all &^= f.flag
			} else {
				all |= f.flag
			}
			continue
		}
		if f, ok := propagationOptions[opt]; ok {
			all |= f
			continue
		}
		if f, ok := impliedFlags[opt]; ok {
			all |= f // and the word stays mount(8)'s
		}
		switch {
		case opt == "move":
			o.Move = true
			continue
		case userspaceOptions[name] || strings.HasPrefix(opt, "x-") || strings.HasPrefix(opt, "X-"):
			o.Userspace = append(o.Userspace, opt)
			continue
		case name == "loop" || name == "offset" || name == "sizelimit" || name == "encryption" ||
			name == "helper" || name == "uhelper" || strings.HasPrefix(name, "verity."):
			return o, &UnsupportedOptionError{Option: opt}
		case name == "uid" || name == "gid":
			value, _ := strings.CutPrefix(opt, name+"=")
			if !strings.Contains(opt, "=") {
				value = "" // "uid" alone
			}
			fixed, err := fixID(opt, name, value)
			if err != nil && idErr == nil {
				idErr = err
			}
			opt = fixed
		}
		data = append(data, opt)
	}
	o.Data = strings.Join(data, ",")

	// Keep each propagation type the first time it is named, as libmount's
	// option-string fix-up does: "private,shared,private" makes two calls,
	// MS_PRIVATE then MS_SHARED.
	seen := uintptr(0)
	recursive := false
	for _, opt := range opts {
		f, ok := propagationOptions[opt]
		if !ok {
			if vf, ok := vfsOptions[opt]; ok && !vf.invert && vf.flag&unix.MS_REC != 0 {
				recursive = true // rbind
			}
			continue
		}
		if seen&f&propagationTypes != 0 {
			o.Dropped = append(o.Dropped, opt)
			continue
		}
		seen |= f & propagationTypes
		o.Propagation = append(o.Propagation, f)
	}
	o.Flags = all &^ (propagationTypes | unix.MS_REC)
	if recursive {
		o.Flags |= unix.MS_REC
	}
	return o, idErr
}

// MountinfoFlags turns the per-mount options of a mountinfo line
// ("rw,nosuid,relatime") into MS_* flags, as libmount does before a remount
// so that "-o remount,ro" keeps nosuid.
func MountinfoFlags(vfsOptions string) uintptr {
	o, _ := Parse(vfsOptions)
	return o.Flags
}

// SuperOptions is what a remount keeps of a mountinfo line's super
// options, as libmount reads them: every word but ro and rw (the mount's
// own VFS options say those), so that the superblock's flags (sync,
// dirsync, mand, lazytime) and the filesystem's data ("size=1024k") stay
// ("rw,lazytime,size=1024k" → "lazytime,size=1024k").
func SuperOptions(superOptions string) string {
	var keep []string
	for _, w := range Split(superOptions) {
		if w != "ro" && w != "rw" {
			keep = append(keep, w)
		}
	}
	return strings.Join(keep, ",")
}

// flagWordOrder is the order in which FlagWords names flags (libmount
// writes an option string back in the order of its own table).
var flagWordOrder = []string{"noexec", "nosuid", "nodev", "sync", "dirsync", "nodiratime", "mand", "noatime",
	"iversion", "relatime", "strictatime", "lazytime", "nosymfollow", "remount", "rbind", "bind", "silent"}

// FlagWords names the MS_* flags of Flags as -o words, MS_RDONLY left out
// (ro and rw are the caller's to say); rbind covers MS_BIND|MS_REC.
func FlagWords(flags uintptr) []string {
	var out []string
	for _, w := range flagWordOrder {
		f := vfsOptions[w].flag
		if flags&f == f {
			out = append(out, w)
			flags &^= f
		}
	}
	return out
}

// PropagationWords names each propagation change as -o names it
// ("rshared").
func PropagationWords(changes []uintptr) []string {
	var out []string
	for _, c := range changes {
		for w, f := range propagationOptions {
			if f == c {
				out = append(out, w)
			}
		}
	}
	return out
}

// selinuxOptions are the SELinux words of an option string (mount(8),
// "context=", "fscontext=", "defcontext=", "rootcontext=", and the
// kernel's "seclabel" in mountinfo).
var selinuxOptions = map[string]bool{"context": true, "fscontext": true, "defcontext": true, "rootcontext": true, "seclabel": true}

// WithoutSELinux is filesystem data without its SELinux words: libmount
// drops them when SELinux is not enabled, so that the kernel, which would
// refuse them, never sees them.
func WithoutSELinux(data string) string {
	var keep []string
	for _, opt := range Split(data) {
		if name, _, _ := strings.Cut(opt, "="); !selinuxOptions[name] {
			keep = append(keep, opt)
		}
	}
	return strings.Join(keep, ",")
}
