package mount

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/mountcmd"
	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/mountopt"
	"github.com/nstool/nstool/nsutil/mountsys"
	"github.com/nstool/nstool/nsutil/namespaces"
)

// request is a command line that passed validate: its option string and
// that string split as mount(8) splits it.
type request struct {
	optstr string
	opts   mountopt.Options
	move   bool // --move or -o move
}

// validate makes mount(8)'s checks of the command line, before anything is
// read or changed: exclusive operations, the option string, the number of
// arguments.
func (o *Options) validate() (*request, error) {
	if len(o.Opers) > 1 {
		return nil, cli.Exitf(cli.ExitUsage, "mutually exclusive arguments: --bind --move --rbind")
	}
	if o.All {
		return nil, cli.Exitf(cli.ExitUsage, "--all mounts what /etc/fstab lists, and nstool does not read /etc/fstab")
	}
	var words []string
	for _, w := range o.OptList {
		if w != "" {
			words = append(words, w)
		}
	}
	optstr := strings.Join(words, ",")
	mopts, err := mountopt.Parse(optstr)
	if err != nil {
		return nil, cli.Exitf(cli.ExitUsage, "%v", err)
	}
	r := &request{optstr: optstr, opts: mopts, move: o.Move || mopts.Move}
	oper := len(o.Opers) > 0 || mopts.Move
	switch len(o.Args) {
	case 0:
		if oper || optstr != "" {
			return nil, cli.Usagef(cli.ExitUsage, "bad usage")
		}
	case 1, 2:
		if oper && o.Types != "" {
			return nil, cli.Usagef(cli.ExitUsage, "bad usage")
		}
	default:
		return nil, cli.Usagef(cli.ExitUsage, "bad usage")
	}
	return r, nil
}

// run decides, as mount(8) does, what the command line asks for: no
// argument lists the mounts; one names a mount point for a propagation
// change or a remount; two are the SOURCE and TARGET of a bind, a move or a
// new mount.
func run(o *Options) error {
	if !o.NamespaceGiven {
		return runHere(o)
	}
	// As mount(8): the thread joins the namespace and does all there;
	// paths resolve from that namespace's root, its table is the thread's.
	var err error
	path := mountcmd.NamespacePath(o.Namespace)
	if joinErr := namespaces.InMount(path, func() { err = runHere(o) }); joinErr != nil {
		return cli.Exitf(cli.ExitSysErr, "failed to set target namespace to %s: %s", path, cli.Strerror(joinErr))
	}
	return err
}

// runHere is run in the namespace the thread is in.
func runHere(o *Options) error {
	if o.Version {
		return cli.PrintVersion(o.IO.Out, "mount")
	}
	if err := o.explicitArgs(); err != nil {
		return err
	}
	r, err := o.validate()
	if err != nil {
		return err
	}
	if len(o.Args) == 0 {
		return list(o)
	}
	p, err := o.plan(r)
	if err != nil {
		return err
	}
	return execute(o, p)
}

// plan chooses the calls for one or two arguments. A missing target is
// made first for -m (X-mount.mkdir), so that it can be canonicalized.
func (o *Options) plan(r *request) (*plan, error) {
	mopts, optstr, move := r.opts, r.optstr, r.move
	var mounts []mountinfo.Mount
	var err error
	if mopts.Flags&unix.MS_REMOUNT != 0 {
		if mounts, err = mountinfo.Read(0); err != nil {
			return nil, cli.Exitf(cli.ExitMountFailure, "cannot read the mount table: %v", err)
		}
	}
	var p *plan
	if len(o.Args) == 1 {
		target := canonical(o.Args[0], o.NoCanon)
		switch {
		case mopts.Flags&unix.MS_REMOUNT != 0:
			p, err = planRemount("", target, optstr, mounts)
		case mopts.PropagationOnly() && o.Types == "" && !move:
			p = planPropagation(target, mopts)
		default:
			return nil, oneArgumentFailure(o.Args[0], target, mopts, move, len(o.Opers) > 0)
		}
	} else {
		if err := mkdirTarget(o.Args[1], mopts); err != nil {
			return nil, err
		}
		target := canonical(o.Args[1], o.NoCanon)
		switch {
		case mopts.Flags&unix.MS_REMOUNT != 0:
			p, err = planRemount(o.Args[0], target, optstr, mounts)
		case move || mopts.Flags&unix.MS_BIND != 0:
			p = planBindOrMove(canonical(o.Args[0], o.NoCanon), target, mopts, move)
		default:
			src, err := resolveTag(o.Args[0], o.Args[1])
			if err != nil {
				return nil, err
			}
			p = planNew(newSource(src, o.Types, o.NoCanon), target, o.Types, o.TypesGiven, mopts)
		}
	}
	if err != nil {
		return nil, cli.Exitf(cli.ExitUsage, "%v", err)
	}
	return p, nil
}

// mkdirTarget creates a missing target for X-mount.mkdir[=mode] (-m), as
// mount(8) does before mounting.
func mkdirTarget(target string, o mountopt.Options) error {
	for _, u := range o.Userspace {
		name, val, _ := strings.Cut(u, "=")
		if name != "X-mount.mkdir" {
			continue
		}
		mode := uint64(0o755)
		if val != "" {
			m, err := strconv.ParseUint(val, 8, 32)
			if err != nil {
				return cli.Exitf(cli.ExitUsage, "%s: invalid mode for X-mount.mkdir: %q", target, val)
			}
			mode = m
		}
		if err := os.MkdirAll(target, os.FileMode(mode)); err != nil {
			return cli.Exitf(cli.ExitMountFailure, "%s: failed to create mount point: %s.", target, cli.Strerror(err))
		}
	}
	return nil
}

// newSource canonicalizes the source of a new mount when it names a
// device or file; a pseudo filesystem's source (tmpfs "lab", proc "proc")
// is just a name and stays as given, as mount(8) keeps it.
func newSource(src, types string, noCanon bool) string {
	if types != "" && !strings.Contains(types, ",") && !strings.HasPrefix(types, "no") {
		_, nodev, err := mountsys.KernelFilesystems()
		if err == nil {
			if isNodev, known := nodev[types]; !known || isNodev {
				return src
			}
		}
	}
	return canonical(src, noCanon)
}

// execute makes the plan's calls in order, stopping at the first failure.
func execute(o *Options, p *plan) error {
	ex := mountcmd.NewExplainer(o.IO, o.Explain)
	if o.Explain {
		for _, w := range p.opts.Dropped {
			ex.Note("note: %q is not applied: util-linux applies each propagation type once, the first time it is named", w)
		}
	}
	for i, st := range p.steps {
		var err error
		if i == 0 && st.kind == stepMain && len(p.tryTypes) > 0 {
			err = tryTypes(o, ex, p, st)
		} else {
			err = makeCall(ex, o.Fake, p, st)
		}
		if err != nil {
			mainDone := i > 0 && p.steps[0].kind == stepMain
			return mountFailure(p, st, err, mainDone)
		}
	}
	if o.Verbose {
		verbose(o, p)
	}
	return nil
}

// tryTypes tries each candidate type with MS_SILENT and stops at the first
// success or the first refusal other than EINVAL/ENODEV (not this type).
func tryTypes(o *Options, ex *mountcmd.Explainer, p *plan, st step) error {
	var err error
	for _, t := range p.tryTypes {
		try := st
		try.call.FSType = t
		try.call.Flags |= unix.MS_SILENT
		err = makeCall(ex, o.Fake, p, try)
		if err == nil {
			p.steps[0] = try
			return nil
		}
		if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENODEV) {
			return err
		}
	}
	if err == nil {
		return cli.Exitf(cli.ExitUsage, "%s: no filesystem type specified.", p.spec)
	}
	return err
}

// verbose prints util-linux's -v success lines on stdout.
func verbose(o *Options, p *plan) {
	w := o.IO.Out
	switch {
	case p.move:
		fmt.Fprintf(w, "mount: %s moved to %s.\n", p.source, p.target)
	case p.bind:
		fmt.Fprintf(w, "mount: %s bound on %s.\n", p.source, p.target)
	case len(p.opts.Propagation) > 0:
		if p.source != "" && p.source != "none" {
			fmt.Fprintf(w, "mount: %s mounted on %s.\n", p.source, p.target)
		}
		fmt.Fprintf(w, "mount: %s propagation flags changed.\n", p.target)
	default:
		fmt.Fprintf(w, "mount: %s mounted on %s.\n", p.source, p.target)
	}
}

// list prints the mount table as mount(8) does without arguments:
// "SOURCE on TARGET type FSTYPE (OPTIONS)", filtered by -t.
// explicitArgs puts --source and --target in place of the arguments, as
// mount(8) reads them: both, or one of them with the other as the one
// argument; alone, each is looked up in /etc/fstab (which nstool never
// reads: util-linux's words for a path fstab does not list).
func (o *Options) explicitArgs() error {
	switch {
	case !o.SourceGiven && !o.TargetGiven:
		return nil
	case o.SourceGiven && o.TargetGiven && len(o.Args) == 0:
		o.Args = []string{o.Source, o.Target}
	case o.SourceGiven && len(o.Args) == 1 && !o.TargetGiven:
		o.Args = []string{o.Source, o.Args[0]}
	case o.TargetGiven && len(o.Args) == 1 && !o.SourceGiven:
		o.Args = []string{o.Args[0], o.Target}
	case o.TargetGiven && len(o.Args) == 0:
		return cli.Exitf(cli.ExitUsage, "%s: can't find mount point in /etc/fstab.", o.Target)
	case o.SourceGiven && len(o.Args) == 0:
		return cli.Exitf(cli.ExitUsage, "%s: can't find mount source %s in /etc/fstab.", o.Source, o.Source)
	default:
		return cli.Usagef(cli.ExitUsage, "bad usage")
	}
	return nil
}

func list(o *Options) error {
	mounts, err := mountinfo.Read(0)
	if err != nil {
		return cli.Exitf(cli.ExitMountFailure, "cannot read the mount table: %v", err)
	}
	match := typeMatcher(o.Types)
	for _, m := range mounts {
		if !match(m.FSType) {
			continue
		}
		src := m.Source
		if src == "" {
			src = "none"
		}
		opts := m.VFSOptions
		for _, fo := range mountopt.Split(m.FSOptions) {
			if fo != "rw" && fo != "ro" {
				opts += "," + fo
			}
		}
		label := ""
		if o.ShowLabels {
			if l := labels()[src]; l != "" {
				label = " [" + l + "]"
			}
		}
		fmt.Fprintf(o.IO.Out, "%s on %s type %s (%s)%s\n", src, m.Target, m.FSType, opts, label)
	}
	return nil
}

// labels maps devices to their filesystem labels, as udev names them in
// /dev/disk/by-label (mount -l; the kernel's table has no labels). udev
// escapes a label's spaces and slashes as \x20, \x2f.
func labels() map[string]string {
	out := map[string]string{}
	ents, _ := os.ReadDir("/dev/disk/by-label")
	for _, e := range ents {
		dev, err := filepath.EvalSymlinks(filepath.Join("/dev/disk/by-label", e.Name()))
		if err == nil {
			out[dev] = strings.NewReplacer(`\x20`, " ", `\x2f`, "/", `\x5c`, `\`).Replace(e.Name())
		}
	}
	return out
}

// typeMatcher implements -t lists: "tmpfs,proc" selects those types,
// "notmpfs,proc" (a leading "no") excludes them.
func typeMatcher(types string) func(string) bool {
	if types == "" {
		return func(string) bool { return true }
	}
	neg := strings.HasPrefix(types, "no")
	set := map[string]bool{}
	for _, t := range strings.Split(types, ",") {
		if neg {
			t = strings.TrimPrefix(t, "no")
		}
		set[t] = true
	}
	return func(t string) bool { return set[t] != neg }
}

// oneArgumentFailure is what mount(8) says of one argument that is neither
// a propagation change nor a remount: it looks the path up in /etc/fstab
// (nstool never reads it) and, finding nothing, stops there ("can't find
// in /etc/fstab.", exit 1), or for a bind, or for a propagation change
// mixed with other options, asks the kernel anyway with no source
// (mount(2) fails with ENOENT), or for a move refuses it (EINVAL).
func oneArgumentFailure(typed, target string, mopts mountopt.Options, move, oper bool) error {
	switch {
	case move:
		return cli.Exitf(cli.ExitUsage, "%s: mount failed: Invalid argument.", target)
	case oper || len(mopts.Propagation) > 0:
		return cli.Exitf(cli.ExitMountFailure, "%s: mount(2) system call failed: No such file or directory.%s", target, dmesgHint)
	}
	return cli.Exitf(cli.ExitUsage, "%s: can't find in /etc/fstab.", typed) // the path as typed
}
