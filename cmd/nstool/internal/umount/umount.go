// Package umount implements `nstool umount`: util-linux umount(8) for one
// or more targets, lazy (-l), forced (-f) and recursive (-R), with
// --explain showing each umount2(2) call and what propagation took along.
package umount

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/mount"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/mountsys"
)

// Options is what the command line asked for.
type Options struct {
	IO        *cli.IOStreams
	Lazy      bool
	Force     bool
	Recursive bool
	Verbose   bool
	Quiet     bool
	Explain   bool
	NoCanon   bool
	Targets   []string
}

// ExitFail is util-linux's code for each failed umount; the codes of
// several targets add up (at most 255), as umount(8) does.
const (
	ExitFail  = 32
	ExitUsage = 1
)

// NewCmd returns the `umount` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "umount [options] TARGET...",
		Short: "Unmount filesystems, as util-linux umount",
		Long: `Unmount the mount at each TARGET, as util-linux umount(8) does: the same
umount2(2) calls, messages and exit codes (32 for each target that fails).

  -l/--lazy detaches now and cleans up when the mount is no longer busy
  (MNT_DETACH); -f/--force asks the filesystem to abort pending requests
  (MNT_FORCE); -R/--recursive unmounts every mount under TARGET first,
  deepest first (a mount stacked on TARGET first, then each submount in the
  order they were mounted), then TARGET.

If TARGET's parent mount is shared, the kernel also unmounts the copies of
the mount that propagation made on the parent's peers and slaves;
--explain prints each call and every mount that went away.

nstool never reads /etc/fstab.`,
		Example: `  nstool umount /lab/b
  nstool umount --explain /lab/a/sub
  nstool umount -R /lab
  nstool umount -l /lab/busy`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Targets = args
			return run(opts)
		},
	}
	cmd.SetFlagErrorFunc(mount.GetoptError)
	f := cmd.Flags()
	f.SortFlags = false
	f.BoolVarP(&opts.Lazy, "lazy", "l", false, "detach the filesystem now, clean up things later")
	f.BoolVarP(&opts.Force, "force", "f", false, "force unmount (in case of an unreachable NFS system)")
	f.BoolVarP(&opts.Recursive, "recursive", "R", false, "recursively unmount a target with all its children")
	f.BoolVar(&opts.Explain, "explain", false, "print each umount2(2) call and the mounts that went away on stderr")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "say what is being done")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "suppress 'not mounted' error messages")
	f.BoolVarP(&opts.NoCanon, "no-canonicalize", "c", false, "don't canonicalize paths")
	f.BoolP("no-mtab", "n", false, "accepted for compatibility (there is no /etc/mtab to write)")
	return cmd
}

func run(o *Options) error {
	if len(o.Targets) == 0 {
		return cli.Usagef(ExitUsage, "bad usage")
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
func (o *Options) oneIn(mounts []mountinfo.Mount, spec string, flags int) int {
	target := spec
	var found *mountinfo.Mount
	if c := canonical(spec, o.NoCanon); c != "" {
		if m := mountinfo.Table(mounts).Top(c); m != nil {
			target, found = c, m
		}
	}
	call := mountsys.Call{Op: "umount2", Target: target, Flags: uintptr(flags)}
	err := call.Do()
	if o.Explain {
		fmt.Fprintf(o.IO.ErrOut, "%s = %s\n", call, mount.Result(err))
	}
	if err != nil {
		var errno unix.Errno
		errors.As(err, &errno)
		if o.Quiet && errno == unix.EINVAL {
			return ExitFail
		}
		msg := umountMessage(errno)
		if errno == unix.EPERM && os.Geteuid() != 0 {
			msg += " " + mount.RootHint
		}
		o.warn("%s: %s", target, msg)
		return ExitFail
	}
	if o.Explain {
		after, _ := mountinfo.Read(0)
		mount.ExplainChange(o.IO.ErrOut, mount.ExplainColor(o.IO), mounts, after, nil)
		if found != nil {
			fmt.Fprintf(o.IO.ErrOut, "  rule: %s\n", unmountRule(mounts, found))
		}
		if lostMaster(mounts, after) {
			fmt.Fprintf(o.IO.ErrOut, "  rule: %s\n", "slaves of an unmounted mount that had no peers left pass to that mount's own master, or become private if it had none (the kernel's fs/pnode.c)")
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

// unmountRule is sharedsubtree.rst 5f for the mount m.
func unmountRule(mounts []mountinfo.Mount, m *mountinfo.Mount) string {
	for _, p := range mounts {
		if p.ID == m.Parent && p.Shared() {
			return fmt.Sprintf("the parent %s is shared (%s): on every mount that receives propagation from it, the most recent mount at the same place goes too, unless it has submounts (sharedsubtree.rst 5f)", p.Target, p.Propagation.Detail())
		}
	}
	return "the parent mount is not shared: only this mount goes (sharedsubtree.rst 5f)"
}

// lostMaster reports whether a mount that stayed changed master (or lost
// it): the kernel re-parents the slaves of a peer group that disappears.
func lostMaster(before, after []mountinfo.Mount) bool {
	old := map[int]mountinfo.Mount{}
	for _, m := range before {
		old[m.ID] = m
	}
	for _, m := range after {
		if b, ok := old[m.ID]; ok && b.Master != 0 && b.Master != m.Master {
			return true
		}
	}
	return false
}

func umountMessage(errno unix.Errno) string {
	switch errno {
	case unix.ENXIO:
		return "invalid block device."
	case unix.EINVAL:
		return "not mounted."
	case unix.EIO:
		return "can't write superblock."
	case unix.EBUSY:
		return "target is busy."
	case unix.ENOENT:
		return "no mount point specified."
	case unix.EPERM:
		return "must be superuser to unmount."
	case unix.EACCES:
		return "block devices are not permitted on filesystem."
	}
	return "umount(2) system call failed: " + mount.Strerror(errno) + "."
}

// recursive is umount -R: the mount at spec and everything under it,
// deepest first. For each mount: first a mount stacked on top of it, then
// its children in mount-ID order (the order they were mounted), then the
// mount itself, skipped if propagation already took it.
func (o *Options) recursive(spec string, flags int) int {
	mounts, err := mountinfo.Read(0)
	if err != nil {
		o.warn("%s: cannot read the mount table: %v", spec, err)
		return ExitFail
	}
	root := mounts.Top(canonical(spec, o.NoCanon))
	if root == nil {
		if _, err := os.Stat(spec); err == nil {
			o.warn("%s: not mounted", spec)
		} else {
			o.warn("%s: not found", spec)
		}
		return ExitUsage
	}
	children := mounts.Children()
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

func canonical(p string, noCanon bool) string {
	// An empty argument names nothing (path_resolution(7): ENOENT), never
	// the working directory, which is what filepath.Abs("") would give.
	if p == "" || noCanon {
		return p
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return ""
	}
	r, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return ""
	}
	return r
}
