package umount

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/mountsys"
)

// validate refuses a command line without a target, as umount(8) does
// (nstool never reads /etc/fstab, so there is no "umount -a").
func (o *Options) validate() error {
	if len(o.Targets) == 0 {
		return cli.Usagef(cli.ExitUsage, "bad usage")
	}
	return nil
}

// run unmounts each target in turn; the exit code adds up
// cli.ExitMountFailure for each that failed, to at most 255, as umount(8)
// does.
func run(o *Options) error {
	if err := o.validate(); err != nil {
		return err
	}
	var flags int
	if o.Lazy {
		flags |= unix.MNT_DETACH
	}
	if o.Force {
		flags |= unix.MNT_FORCE
	}
	code := 0
	for _, t := range o.Targets {
		if o.Recursive {
			code += o.recursive(t, flags)
		} else {
			code += o.one(t, flags)
		}
	}
	if code > 255 {
		code = 255
	}
	if code != 0 {
		return cli.Exit(code)
	}
	return nil
}

// warn prints one error line, "nstool umount: TARGET: message".
func (o *Options) warn(format string, args ...any) {
	fmt.Fprintf(o.IO.ErrOut, "nstool umount: "+format+"\n", args...)
}

// one unmounts the mount at spec. As umount(8), a path found in the mount
// table is unmounted under its canonical name; one that is not is passed
// to umount2(2) as given (and the kernel says why not).
func (o *Options) one(spec string, flags int) int {
	mounts, _ := mountinfo.Read(0)
	return o.oneIn(mounts, spec, flags)
}

// oneIn is one with the mount table already read.
func (o *Options) oneIn(mounts mountinfo.Table, spec string, flags int) int {
	target := spec
	var found *mountinfo.Mount
	if c, ok := mountcmd.Canonical(spec, o.NoCanon); ok {
		if m := mounts.Top(c); m != nil {
			target, found = c, m
		}
	}
	ex := mountcmd.NewExplainer(o.IO, o.Explain)
	call := mountsys.Call{Op: "umount2", Target: target, Flags: uintptr(flags)}
	err := call.Do()
	ex.Call(call, err)
	if err != nil {
		var errno unix.Errno
		errors.As(err, &errno)
		if o.Quiet && errno == unix.EINVAL {
			return cli.ExitMountFailure
		}
		msg := umountMessage(errno)
		if errno == unix.EPERM && os.Geteuid() != 0 {
			msg += " " + mountcmd.RootHint
		}
		o.warn("%s: %s", target, msg)
		return cli.ExitMountFailure
	}
	if o.Explain {
		after, _ := mountinfo.Read(0)
		ex.Change(mounts, after, nil)
		if found != nil {
			ex.Rule(unmountRule(mounts, found))
		}
		if lostMaster(mounts, after) {
			ex.Rule("slaves of an unmounted mount that had no peers left pass to that mount's own master, or become private if it had none (the kernel's fs/pnode.c)")
		}
	}
	if o.Verbose {
		src := "none"
		if found != nil && found.Source != "" {
			src = found.Source
		}
		// umount(8) says this on stderr.
		o.warn("%s (%s) unmounted", target, src)
	}
	return 0
}

// recursive is umount -R: the mount at spec and everything under it,
// deepest first. For each mount: first a mount stacked on top of it, then
// its children in mount-ID order (the order they were mounted), then the
// mount itself, skipped if propagation already took it.
func (o *Options) recursive(spec string, flags int) int {
	mounts, err := mountinfo.Read(0)
	if err != nil {
		o.warn("%s: cannot read the mount table: %v", spec, err)
		return cli.ExitMountFailure
	}
	var root *mountinfo.Mount
	if c, ok := mountcmd.Canonical(spec, o.NoCanon); ok {
		root = mounts.Top(c)
	}
	if root == nil {
		if _, err := os.Stat(spec); err == nil {
			o.warn("%s: not mounted", spec)
		} else {
			o.warn("%s: not found", spec)
		}
		return cli.ExitUsage
	}
	children := mounts.Children() // in ID order: the order they were mounted
	var walk func(m mountinfo.Mount) int
	walk = func(m mountinfo.Mount) int {
		var over *mountinfo.Mount
		for i, c := range children[m.ID] {
			if c.Target == m.Target {
				over = &children[m.ID][i]
			}
		}
		if over != nil {
			if rc := walk(*over); rc != 0 {
				return rc
			}
		}
		for _, c := range children[m.ID] {
			if over != nil && c.ID == over.ID {
				continue
			}
			if rc := walk(c); rc != 0 {
				return rc
			}
		}
		now, err := mountinfo.Read(0)
		if err == nil && now.Top(m.Target) == nil {
			return 0 // propagation took it already
		}
		return o.oneIn(now, m.Target, flags)
	}
	return walk(*root)
}
