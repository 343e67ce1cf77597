package mount

import (
	"errors"
	"fmt"
	"os"
	"slices"
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
	var idErr *mountopt.IDOptionError
	if err != nil && !errors.As(err, &idErr) {
		return nil, cli.Exitf(cli.ExitUsage, "%v", err)
	}
	if !selinuxEnabled() {
		mopts.Data = mountopt.WithoutSELinux(mopts.Data)
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
	if idErr != nil && len(o.Args) == 2 && mopts.Flags&unix.MS_REMOUNT == 0 {
		// (A remount reads its options again with the mount's own:
		// planRemount refuses them there.)
		return nil, badOptions(o.Args[1], optstr)
	}
	return r, nil
}

// badOptions is libmount's refusal of an option string its fix-up cannot
// take (a uid or gid option without a value), before any mount(2): the
// target as typed, the whole string, and the errno libmount's message
// happens to carry then (%m: its last failed lookup, the same each time).
func badOptions(target, optstr string) error {
	return cli.Exitf(cli.ExitUsage, "%s: failed to parse mount options '%s': %s.", target, optstr, cli.Strerror(unix.ENOENT))
}

// checkOptions makes the checks mount(8) makes as it reads the options,
// before it looks at the arguments.
func (o *Options) checkOptions() error {
	for _, w := range o.OptList {
		// mount(8) refuses an -o list that starts with "=", a quote or
		// a blank.
		if w != "" && strings.ContainsRune("='\" \t", rune(w[0])) {
			return cli.Exitf(cli.ExitUsage, "unsupported option format: %s", w)
		}
	}
	if len(o.sourceFlags) > 1 {
		return cli.Exitf(cli.ExitUsage, "mutually exclusive arguments: --label --uuid --source")
	}
	if !o.fstabModesValid() {
		return cli.Usagef(cli.ExitUsage, "bad usage")
	}
	for _, path := range o.Fstabs {
		// libmount parses a -T file or directory as it reads the
		// option; anything else (missing, /dev/null) fails.
		st, err := os.Stat(path)
		if err != nil || !st.Mode().IsRegular() && !st.IsDir() {
			return cli.Exitf(cli.ExitUsage, "%s: failed to parse", path)
		}
	}
	return nil
}

// fstabModesValid checks --options-mode (one of its words) and
// --options-source (a comma list of its words, maybe empty) as mount(8)
// does, although without fstab they change nothing.
func (o *Options) fstabModesValid() bool {
	switch o.OptionsMode {
	case "", "ignore", "append", "prepend", "replace":
	default:
		return false
	}
	if o.OptionsMode == "" && o.OptionsModeGiven {
		return false
	}
	for _, w := range strings.Split(o.OptionsSource, ",") {
		switch w {
		case "", "fstab", "mtab", "disable":
		default:
			return false
		}
	}
	return true
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

// selinuxEnabled reports whether SELinux is on, as libselinux finds out:
// its filesystem is mounted (and so its "enforce" file is there).
func selinuxEnabled() bool {
	_, err := os.Stat("/sys/fs/selinux/enforce")
	return err == nil
}

// runHere is run in the namespace the thread is in.
func runHere(o *Options) error {
	if o.Version {
		return cli.PrintVersion(o.IO.Out, "mount")
	}
	if err := o.checkOptions(); err != nil {
		return err
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
	if o.argIsSource {
		return o.planRemountOfSource(optstr, mounts)
	}
	if len(o.Args) == 1 && isTag(o.Args[0]) {
		// mount(8) takes a tag for the source: a remount finds the
		// mount of its device; anything else wants an fstab entry.
		if mopts.Flags&unix.MS_REMOUNT == 0 {
			return nil, o.notInFstab(o.Args[0])
		}
		dev, _ := mountcmd.TagDevice(o.Args[0])
		if dev == "" {
			return nil, o.notInFstab(o.Args[0]) // no device: fstab is all that is left
		}
		if p, err = planRemount("", dev, optstr, mounts); err != nil {
			return nil, cli.Exitf(cli.ExitUsage, "%v", err)
		}
		return p, nil
	}
	if len(o.Args) == 1 {
		path := o.prefixed(o.Args[0])
		remount := mopts.Flags&unix.MS_REMOUNT != 0
		// libmount canonicalizes a remount's path before -m makes it
		// (so it is named as typed), any other after.
		target := canonical(path, o.NoCanon)
		if o.needsNoFstab() {
			if err := mkdirTarget(path, mopts); err != nil {
				return nil, err
			}
			if !remount {
				target = canonical(path, o.NoCanon)
			}
		}
		switch {
		case remount:
			tab := mounts
			if o.Propa {
				// With --make-*, mount(8) reads neither fstab nor the
				// mount table for its path (MNT_OMODE_NOTAB).
				tab = nil
			}
			p, err = planRemount("", target, optstr, tab)
			if err == nil && move && !p.remountFound {
				// -o remount,move of a path no mount has: the move
				// wants a source, which libmount finds nowhere.
				return nil, cli.Exitf(cli.ExitUsage, "%s: mount failed: Invalid argument.", target)
			}
		case move && o.NoMtab:
			// With -n, libmount asks the kernel to move "none" there.
			p = planBindOrMove("none", target, mopts, true)
			p.source, p.noSource = "", true
		case move:
			// A move needs a source: libmount refuses it (with -n it
			// does not look, above).
			return nil, cli.Exitf(cli.ExitUsage, "%s: mount failed: Invalid argument.", target)
		case o.propagationOnly(mopts):
			p = planPropagation(target, mopts)
		case o.needsNoFstab():
			// mount(8) looks no --make-*, --bind or one path of
			// --options-source disable up in fstab: the kernel gets
			// the request without a source.
			p = o.planSourceless(target, mopts)
		default:
			return nil, o.notInFstab(o.Args[0])
		}
	} else {
		if err := mkdirTarget(o.prefixed(o.Args[1]), mopts); err != nil {
			return nil, err
		}
		target := canonical(o.prefixed(o.Args[1]), o.NoCanon)
		switch {
		case o.OptionsSourceForce && !o.Propa && len(o.Opers) == 0:
			// --options-source-force: the options come from fstab,
			// which has no entry (nstool reads none); --make-*,
			// --bind, --rbind and --move need none (-o bind does).
			return nil, o.notInFstab(o.Args[1])
		case mopts.Flags&unix.MS_REMOUNT != 0:
			src, err := resolveTag(o.Args[0], o.Args[1], mopts)
			if err != nil {
				return nil, err
			}
			if p, err = planRemount(src, target, optstr, mounts); err != nil {
				return nil, cli.Exitf(cli.ExitUsage, "%v", err)
			}
		case move || mopts.Flags&unix.MS_BIND != 0:
			src, err := resolveTag(o.Args[0], o.Args[1], mopts) // -L x --bind: its device
			if err != nil {
				return nil, err
			}
			if target == "" && src != "" && strings.Trim(src, "/") == "" && !o.NoCanon {
				// libmount's path cache compares paths without their
				// trailing slashes: the empty target is the source "/"
				// (or "//") that canonicalizing put there as typed.
				target = "/"
			}
			p = planBindOrMove(canonical(src, o.NoCanon), target, mopts, move)
		default:
			src, err := resolveTag(o.Args[0], o.Args[1], mopts)
			if err != nil {
				return nil, err
			}
			types, given := o.Types, o.TypesGiven
			if types == "auto" { // mount(8): "auto" is no -t at all
				types, given = "", false
			}
			p = planNew(newSource(src, types, o.NoCanon), target, types, given, mopts)
		}
	}
	if err != nil {
		return nil, cli.Exitf(cli.ExitUsage, "%v", err)
	}
	return p, nil
}

// mkdirTarget creates a missing target for X-mount.mkdir[=mode] (-m), as
// mount(8) does before mounting: each missing directory of the path with
// the mode (0755 if none is given; the umask applies). libmount reads the
// first X-mount.mkdir, else the first x-mount.mkdir, and only for a target
// that is not there.
func mkdirTarget(target string, o mountopt.Options) error {
	val, ok := mkdirOption(o.Userspace)
	if !ok {
		return nil
	}
	if _, err := os.Lstat(target); err == nil {
		return nil
	}
	if target == "" {
		return cli.Exitf(cli.ExitUsage, "%s: mount failed: %s.", target, cli.Strerror(unix.EINVAL))
	}
	mode, ok := octalMode(strings.Trim(val, `"`))
	if !ok {
		return cli.Exitf(cli.ExitUsage, "%s: failed to parse mount options '%s'.", target, libmountOptstr(o))
	}
	for i := 1; i <= len(target); i++ {
		if i < len(target) && target[i] != '/' {
			continue
		}
		err := unix.Mkdir(target[:i], mode)
		switch {
		case err == nil || err == unix.EEXIST:
		case err == unix.EACCES || err == unix.EPERM:
			return cli.Exitf(cli.ExitUsage, "%s: operation permitted for root only.", target)
		default:
			// util-linux 2.38.1 says "operation permitted for root
			// only." for any failure here, even root's ENOTDIR: the
			// exit code is its, the reason the kernel's.
			return cli.Exitf(cli.ExitUsage, "%s: failed to create mount point: %s.", target, cli.Strerror(err))
		}
	}
	return nil
}

// mkdirOption is the value of the X-mount.mkdir (else x-mount.mkdir)
// option libmount reads: the first one named.
func mkdirOption(userspace []string) (string, bool) {
	for _, name := range []string{"X-mount.mkdir", "x-mount.mkdir"} {
		for _, u := range userspace {
			if n, val, _ := strings.Cut(u, "="); n == name {
				return val, true
			}
		}
	}
	return "", false
}

// octalMode reads a mode as strtol(3) in base 8 that must use the whole
// string: blanks first and a sign are taken, and the value is cut to a
// mode_t (-1 is 0177777, which mkdir(2) masks); "" is 0755.
func octalMode(s string) (uint32, bool) {
	if s == "" {
		return 0o755, true
	}
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	if s == "" || len(s) > 21 {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 8, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return uint32(n), true
}

// libmountOptstr is the option string libmount names in "failed to parse
// mount options": ro or rw first, the other flag words, the filesystem's
// data, then mount(8)'s own options.
func libmountOptstr(o mountopt.Options) string {
	words := []string{"rw"}
	if o.Flags&unix.MS_RDONLY != 0 {
		words[0] = "ro"
	}
	words = append(words, mountopt.FlagWords(o.Flags&^unix.MS_RDONLY)...)
	words = append(words, mountopt.PropagationWords(o.Propagation)...)
	if o.Data != "" {
		words = append(words, o.Data)
	}
	return strings.Join(append(words, o.Userspace...), ",")
}

// newSource canonicalizes the source of a new mount when it names a
// device or file; a pseudo filesystem's source (tmpfs "lab", proc "proc")
// is just a name and stays as given, as mount(8) keeps it.
func newSource(src, types string, noCanon bool) string {
	if types != "" && !strings.Contains(types, ",") && !strings.HasPrefix(types, "no") {
		_, nodev, err := mountsys.KernelFilesystems()
		if err == nil {
			// A type the kernel lists as nodev has names, not paths,
			// for sources; any other source is a path (a device, a
			// file), as libmount reads it.
			if nodev[types] {
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

// tryTypes tries each candidate type with MS_SILENT (planNew says until
// when) and returns the error of the last one tried.
func tryTypes(o *Options, ex *mountcmd.Explainer, p *plan, st step) error {
	var err error
	tried := false
	for _, t := range p.tryTypes {
		if t == "auto" && p.typeList {
			// "udf,iso9660,auto": auto is the type the superblock says;
			// none found, libmount passes it over.
			if t = mountsys.ProbeFSType(p.source); t == "" {
				continue
			}
		}
		try := st
		try.call.FSType = t
		try.call.Flags |= unix.MS_SILENT
		err, tried = makeCall(ex, o.Fake, p, try), true
		if err == nil {
			p.steps[0] = try
			return nil
		}
		if !p.typeList && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENODEV) {
			return err
		}
	}
	if !tried {
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
	case p.bind || p.opts.Flags&unix.MS_BIND != 0: // remount,bind too
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
	if o.SourceGiven && len(o.Opers) > 0 { // --bind, --rbind, --move take their source as an argument
		return cli.Usagef(cli.ExitUsage, "bad usage")
	}
	switch {
	case !o.SourceGiven && !o.TargetGiven:
		return nil
	case o.SourceGiven && o.TargetGiven && len(o.Args) == 0:
		o.Args = []string{o.Source, o.Target}
	case o.SourceGiven && !o.TargetGiven && len(o.Args) == 1 && isTag(o.Args[0]):
		// -L, -U or --source, and a LABEL=... argument
		return cli.Exitf(cli.ExitUsage, "source specified more than once")
	case o.SourceGiven && len(o.Args) == 1 && !o.TargetGiven:
		o.Args = []string{o.Source, o.Args[0]}
	case o.TargetGiven && len(o.Args) == 1 && !o.SourceGiven:
		o.Args = []string{o.Args[0], o.Target}
	case o.TargetGiven && len(o.Args) == 0 && !o.SourceGiven && o.needsNoFstab():
		o.Args = []string{o.Target}
	case o.SourceGiven && len(o.Args) == 0 && !o.TargetGiven && o.Source != "" && o.isRemount():
		o.Args = []string{o.Source} // a remount of the source's last mount
		o.argIsSource = true
	case o.TargetGiven && len(o.Args) == 0:
		return cli.Exitf(cli.ExitUsage, "%s: can't find mount point in /etc/fstab.", o.userPath(o.Target))
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
	if o.TypesGiven && o.Types == "" {
		match = func(string) bool { return false } // -t '' matches no type
	}
	for _, m := range mounts {
		if !match(m.FSType) {
			continue
		}
		src := m.Source // the kernel's "none" for no name, "" for an empty one
		opts := m.VFSOptions
		for _, fo := range mountopt.Split(m.FSOptions) {
			if fo != "rw" && fo != "ro" {
				opts += "," + fo
			}
		}
		label := ""
		if o.ShowLabels {
			if l := sourceLabel(src); l != "" {
				label = " [" + l + "]"
			}
		}
		fmt.Fprintf(o.IO.Out, "%s on %s type %s (%s)%s\n", src, controlsAsQuestionMarks(m.Target), m.FSType, opts, label)
	}
	return nil
}

// controlsAsQuestionMarks is how mount(8) prints a mount point in its
// listing: each control character (iscntrl(3): a tab, a newline) as "?";
// the source goes out as it is.
func controlsAsQuestionMarks(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c == 0x7f {
			b[i] = '?'
		}
	}
	return string(b)
}

// sourceLabel is the label of the filesystem on a source that is a
// device or an image file (mount -l), read from its superblock as
// libblkid reads it; the kernel's table has no labels.
func sourceLabel(src string) string {
	if !strings.HasPrefix(src, "/") {
		return "" // a pseudo filesystem's name, no path
	}
	return mountsys.Probe(src).Label
}

// typeMatcher implements -t patterns as libmount matches a type: a
// comma list of types, case-insensitive; a "no" in front of the list
// turns it into the types not to take, and a "no" in front of one item
// excludes that type whatever the list says ("tmpfs,noproc").
func typeMatcher(types string) func(string) bool {
	if types == "" {
		return func(string) bool { return true }
	}
	pattern, neg := strings.CutPrefix(types, "no")
	items := strings.Split(pattern, ",")
	return func(t string) bool {
		for _, it := range items {
			if strings.HasPrefix(it, "no") && strings.EqualFold(it[2:], t) {
				return false
			}
			if strings.EqualFold(it, t) {
				return !neg
			}
		}
		return neg
	}
}

// planRemountOfSource is `mount -o remount --source SRC` (or -L, -U): the
// last mount of SRC (its device, for a tag) is remounted; with none,
// mount(8) has only fstab left to look in.
func (o *Options) planRemountOfSource(optstr string, mounts []mountinfo.Mount) (*plan, error) {
	src := o.Args[0]
	want := []string{src, canonical(src, o.NoCanon)}
	if dev, isTag := mountcmd.TagDevice(src); isTag {
		want = []string{dev}
	}
	for i := len(mounts) - 1; i >= 0; i-- {
		if m := mounts[i]; m.Source != "" && slices.Contains(want, m.Source) {
			p, err := planRemount(m.Source, m.Target, optstr, mounts)
			if err != nil {
				return nil, cli.Exitf(cli.ExitUsage, "%v", err)
			}
			return p, nil
		}
	}
	return nil, cli.Exitf(cli.ExitUsage, "%s: can't find mount source %s in /etc/fstab.", src, src)
}

// planSourceless is a one-argument --make-* or --bind that is not only a
// propagation change: mount(8) makes the mount with the source "none"
// (a new filesystem of -t's type, a bind of the path "none"), then the
// propagation calls. Messages name no source.
func (o *Options) planSourceless(target string, mopts mountopt.Options) *plan {
	var p *plan
	if mopts.Flags&unix.MS_BIND != 0 {
		p = planBindOrMove("none", target, mopts, false)
	} else {
		p = planNew("none", target, o.Types, o.TypesGiven, mopts)
	}
	p.source, p.noSource = "", true
	return p
}

// singleType reports whether -t names one type to mount rather than a
// pattern (a comma list, or "no..." to exclude types) or "auto" (no type),
// as mount(8) tells them apart.
func singleType(types string) bool {
	return types != "" && types != "auto" && !strings.Contains(types, ",") && !strings.HasPrefix(types, "no")
}

// prefixed puts --target-prefix before a target, as libmount joins them:
// a slash between, the target's own leading ones dropped ("/" and "x"
// make "//x", as util-linux names it).
func (o *Options) prefixed(target string) string {
	if !o.TargetPrefixGiven {
		return target
	}
	return o.TargetPrefix + "/" + strings.TrimLeft(target, "/")
}

// propagationOnly reports whether one path asks for propagation changes
// only, as libmount decides: no MS_* flag but the propagation's, no -t
// type (a pattern, a list or "no...", names none), and, for -o words
// alone, no filesystem data; after a --make-* flag libmount ignores the
// data (--make-private -o size=1m is the propagation call alone).
func (o *Options) propagationOnly(mopts mountopt.Options) bool {
	data := mopts.Data
	if o.Propa {
		data = ""
	}
	return len(mopts.Propagation) > 0 && mopts.Flags&^unix.MS_SILENT == 0 && data == "" && !mopts.Move && !singleType(o.Types)
}

// needsNoFstab reports whether mount(8) does what the command line asks
// without an fstab entry for its one path: a --make-* flag, --bind,
// --rbind, --move, a remount, or --options-source disable.
func (o *Options) needsNoFstab() bool {
	opts, _ := mountopt.Parse(strings.Join(o.OptList, ","))
	return o.Propa || len(o.Opers) > 0 || opts.Move || o.isRemount() || slices.Contains(strings.Split(o.OptionsSource, ","), "disable")
}

// isRemount reports whether the options ask for a remount.
func (o *Options) isRemount() bool {
	opts, err := mountopt.Parse(strings.Join(o.OptList, ","))
	var idErr *mountopt.IDOptionError
	return (err == nil || errors.As(err, &idErr)) && opts.Flags&unix.MS_REMOUNT != 0
}

// userPath is a path as a user's mount(8) names it in its fstab messages:
// canonicalized while it is still restricted (only options from
// "hlLUVvrist", --source and --target so far), as typed otherwise.
func (o *Options) userPath(typed string) string {
	if o.Restricted && !o.TypesGiven {
		return canonical(typed, false)
	}
	return typed
}

// notInFstab is what mount(8) says of a path it looks up in /etc/fstab
// (nstool never reads it) and does not find there (userPath); exit 1.
func (o *Options) notInFstab(typed string) error {
	return cli.Exitf(cli.ExitUsage, "%s: can't find in /etc/fstab.", o.userPath(typed))
}
