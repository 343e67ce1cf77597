package mount

import (
	"errors"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/mountopt"
	"github.com/nstool/nstool/nsutil/mountsys"
)

// stepKind says what a mount(2) call of a plan is for; errors and --explain
// depend on it.
type stepKind int

const (
	stepMain        stepKind = iota // the mount, bind, move or remount itself
	stepPropagation                 // one propagation change (--make-*, -o shared...)
	stepBindRemount                 // "bind,ro": the remount that applies per-mount flags to a bind
)

type step struct {
	kind stepKind
	call mountsys.Call
}

// plan is the list of mount(2) calls util-linux's mount(8) makes for a
// command line, in its order: the main call, then one call per propagation
// change, then (for a bind with flags such as ro) the bind-remount.
type plan struct {
	source, target  string // as passed to mount(2)
	spec            string // what messages name (the target)
	tryTypes        []string
	typeList        bool // tryTypes is a -t list: every type is tried (not a probe's)
	opts            mountopt.Options
	propagationOnly bool
	remount         bool
	remountFound    bool // remount: its mount was found in the table (by target or by source)
	move            bool
	bind            bool
	emptyType       bool // -t '': mount(2) gets the type ""
	noSource        bool // one path, no fstab: libmount has no source (mount(2) gets "none")
	steps           []step
}

// bindSettable are the per-mount flags a bind mount only gets through a
// second, remount call (mount(2): "MS_REMOUNT | MS_BIND"); libmount's list.
const bindSettable = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_NOATIME |
	unix.MS_NODIRATIME | unix.MS_RELATIME | unix.MS_RDONLY | unix.MS_NOSYMFOLLOW

// canonical resolves a path as mount(8) does (realpath(3)); a path that
// does not resolve is kept as given, so messages name what the user typed.
func canonical(p string, noCanon bool) string {
	path, _ := mountcmd.Canonical(p, noCanon)
	return path
}

// propagationSteps are the extra calls for the propagation changes:
// mount("none", target, NULL, MS_xxx, NULL), one each.
func propagationSteps(target string, o mountopt.Options) []step {
	var s []step
	for _, f := range o.Propagation {
		s = append(s, step{stepPropagation, mountsys.Call{Op: "mount", Source: "none", Target: target, Flags: f}})
	}
	return s
}

// planPropagation: `mount --make-X TARGET`.
func planPropagation(target string, o mountopt.Options) *plan {
	return &plan{target: target, spec: target, opts: o, propagationOnly: true, steps: propagationSteps(target, o)}
}

// planRemount: `mount -o remount,... TARGET`. As libmount does, the mount's
// current options (from mountinfo) come first and the command line's after,
// so that "-o remount,ro" keeps nosuid and the filesystem's own options.
func planRemount(source, target, optstr string, mounts []mountinfo.Mount) (*plan, error) {
	src := source
	combined := optstr
	m := mountinfo.Table(mounts).Top(target)
	if m == nil && source == "" {
		// The one path of a remount may name the source (a device, a
		// tmpfs's name), as libmount looks it up: the last mount of it,
		// for a bind remount too.
		for i := len(mounts) - 1; i >= 0 && m == nil; i-- {
			if mounts[i].Source == target {
				m = &mounts[i]
				target = m.Target
			}
		}
	}
	if m != nil {
		if src == "" {
			src = m.Source // "" too: a tmpfs mounted with an empty name
		}
		cur := m.VFSOptions
		if d := mountopt.SuperOptions(m.FSOptions); d != "" {
			cur += "," + d
		}
		combined = cur + "," + optstr
	}
	if src == "" && m == nil {
		src = "none"
	}
	o, err := mountopt.Parse(combined)
	if idErr := (*mountopt.IDOptionError)(nil); errors.As(err, &idErr) {
		shown := optstr // libmount's string: the mount's VFS options, then the command line's
		if m != nil {
			shown = m.VFSOptions + "," + optstr
		}
		return nil, badOptions(target, shown)
	}
	if err != nil {
		return nil, err
	}
	if !selinuxEnabled() {
		o.Data = mountopt.WithoutSELinux(o.Data)
	}
	p := &plan{source: src, target: target, spec: target, opts: o, remount: true, remountFound: m != nil}
	p.steps = append(p.steps, step{stepMain, mountsys.Call{Op: "mount", Source: src, Target: target, Flags: o.Flags, Data: o.Data}})
	p.steps = append(p.steps, propagationSteps(target, o)...)
	return p, nil
}

// planBindOrMove: --bind, --rbind, --move (with -o flags and --make-*).
func planBindOrMove(source, target string, o mountopt.Options, move bool) *plan {
	flags := o.Flags
	if move {
		flags |= unix.MS_MOVE
	}
	p := &plan{source: source, target: target, spec: target, opts: o, move: move, bind: flags&unix.MS_BIND != 0}
	p.steps = append(p.steps, step{stepMain, mountsys.Call{Op: "mount", Source: source, Target: target, Flags: flags, Data: o.Data}})
	p.steps = append(p.steps, propagationSteps(target, o)...)
	if flags&unix.MS_BIND != 0 && flags&bindSettable != 0 {
		p.steps = append(p.steps, step{stepBindRemount, mountsys.Call{Op: "mount", Source: "none", Target: target,
			Flags: flags | unix.MS_REMOUNT | unix.MS_BIND}})
	}
	return p
}

// planNew: `mount [-t TYPE] [-o OPTIONS] SOURCE TARGET`. With one type the
// call is made once. A -t list is tried type by type with MS_SILENT until
// one mounts, whatever the others' errors (libmount's do_mount_by_types;
// "auto" in it is the probed type); with no type that could be probed, or
// a "no..." pattern, every type the kernel lists that needs a device is
// tried until one is not refused with EINVAL or ENODEV
// (do_mount_by_pattern).
func planNew(source, target, types string, typesGiven bool, o mountopt.Options) *plan {
	if types == "auto" { // mount(8): "-t auto" is no -t at all
		types, typesGiven = "", false
	}
	p := &plan{source: source, target: target, spec: target, opts: o}
	fstype := types
	switch {
	case types == "" && typesGiven:
		// `-t ''`: the type "" goes to the kernel, which knows none such.
		p.emptyType = true
	case types == "":
		if t := mountsys.ProbeFSType(source); t != "" {
			fstype = t
		} else {
			p.tryTypes = deviceFilesystems("")
		}
	case strings.Contains(types, ",") || strings.HasPrefix(types, "no"):
		p.tryTypes = deviceFilesystems(types)
		p.typeList = !strings.HasPrefix(types, "no")
	}
	p.steps = append(p.steps, step{stepMain, mountsys.Call{Op: "mount", Source: source, Target: target, FSType: fstype, Flags: o.Flags, Data: o.Data}})
	p.steps = append(p.steps, propagationSteps(target, o)...)
	return p
}

// deviceFilesystems is the list of types to try: the -t list itself, or
// (no list, or a "no..." pattern) the kernel's types that need a device,
// minus those the pattern excludes.
func deviceFilesystems(pattern string) []string {
	if pattern != "" && !strings.HasPrefix(pattern, "no") {
		return strings.Split(pattern, ",")
	}
	exclude := map[string]bool{}
	if pattern != "" {
		for _, t := range strings.Split(pattern, ",") {
			exclude[strings.TrimPrefix(t, "no")] = true
		}
	}
	types, nodev, _ := mountsys.KernelFilesystems()
	var out []string
	for _, t := range types {
		if !nodev[t] && !exclude[t] {
			out = append(out, t)
		}
	}
	return out
}
