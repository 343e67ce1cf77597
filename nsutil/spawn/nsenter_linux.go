package spawn

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/sysfmt"
)

// NsenterConfig is what `nsenter` was asked to do, in util-linux's terms.
// Files are opened by Open before any namespace is entered, as util-linux
// does; Spawn then builds the steps.
type NsenterConfig struct {
	Target int // -t PID (0: none)
	// Enter maps CLONE_NEW* to the namespace file to enter.
	Enter map[uintptr]TargetFile
	All   bool // -a: every namespace of the target but our own user namespace
	// Root and Wd: set to change the root or working directory.
	Root, Wd         *TargetFile
	Wdns             *string // --wdns: a working directory inside the namespace, after the root change (nil: none; "" is a name, which open(2) refuses)
	PreserveCreds    bool
	SetUID, SetGID   int // -1: keep (0 is forced when entering a user namespace)
	NoFork           bool
	Name             string
	Argv, Env        []string
	NoPathSearch     bool
	nsFiles          []*os.File
	nsFlags          []uintptr
	rootFile, wdFile *os.File
}

// TargetFile is a file nsenter opens: the one Path names (an empty name is
// a name, and names nothing: ENOENT), or the target's own
// (/proc/TARGET/ns/NAME, root, cwd) when Path is nil.
type TargetFile struct{ Path *string }

// File is the TargetFile that names path.
func File(path string) TargetFile { return TargetFile{Path: &path} }

// openError is a namespace or directory file that cannot be opened.
type openError struct {
	Path string
	Err  error
}

func (e *openError) Error() string { return "cannot open " + e.Path + ": " + errnoText(e.Err) }
func (e *openError) Unwrap() error { return e.Err }

func (c *NsenterConfig) targetPath(name string) (string, error) {
	if c.Target == 0 {
		return "", fmt.Errorf("neither filename nor target pid supplied for %s", name)
	}
	return "/proc/" + strconv.Itoa(c.Target) + "/" + name, nil
}

// pathOf is the file's own path, or the target's /proc/TARGET/name.
func (c *NsenterConfig) pathOf(f TargetFile, name string) (string, error) {
	if f.Path != nil {
		return *f.Path, nil
	}
	return c.targetPath(name)
}

// CanOpen opens path as Open will, and closes it: util-linux opens each
// FILE of nsenter's command line as it reads it.
func CanOpen(path string) error {
	f, err := openNsenterFile(path)
	if err == nil {
		f.Close()
	}
	return err
}

func openNsenterFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, &openError{Path: path, Err: err}
	}
	return f, nil
}

// Open opens every namespace file and the root and working directories.
// The files stay open (close-on-exec) until the program runs.
func (c *NsenterConfig) Open() error {
	if c.All {
		if c.Target == 0 {
			return fmt.Errorf("no target PID specified for --all")
		}
		for _, t := range namespaces.SetnsOrder {
			ns := &namespaces.Table[t]
			if _, ok := c.Enter[ns.Flag]; ok {
				continue
			}
			if usable, err := usableNamespace(c.Target, ns); err != nil {
				return err
			} else if !usable {
				continue
			}
			c.Enter[ns.Flag] = TargetFile{}
		}
	}
	for _, t := range namespaces.SetnsOrder {
		ns := &namespaces.Table[t]
		file, ok := c.Enter[ns.Flag]
		if !ok {
			continue
		}
		path, err := c.pathOf(file, "ns/"+ns.Name)
		if err != nil {
			return err
		}
		f, err := openNsenterFile(path)
		if err != nil {
			return err
		}
		c.nsFiles = append(c.nsFiles, f)
		c.nsFlags = append(c.nsFlags, ns.Flag)
	}
	for _, d := range []struct {
		opt  *TargetFile
		name string
		dst  **os.File
	}{{c.Root, "root", &c.rootFile}, {c.Wd, "cwd", &c.wdFile}} {
		if d.opt == nil {
			continue
		}
		path, err := c.pathOf(*d.opt, d.name)
		if err != nil {
			return err
		}
		f, err := openNsenterFile(path)
		if err != nil {
			return err
		}
		*d.dst = f
	}
	return nil
}

// usableNamespace is util-linux's is_usable_namespace for --all: the type
// exists here, and a user namespace is not our own (setns(2) refuses to
// re-enter the caller's user namespace).
func usableNamespace(target int, ns *namespaces.Info) (bool, error) {
	var mine, theirs unix.Stat_t
	if err := unix.Stat("/proc/self/ns/"+ns.Name, &mine); err != nil {
		return false, nil
	}
	if ns.Flag == unix.CLONE_NEWUSER {
		// util-linux must know the target's user namespace: a stat that
		// fails (no such process, not ours to read) ends nsenter.
		path := "/proc/" + strconv.Itoa(target) + "/ns/user"
		if err := unix.Stat(path, &theirs); err != nil {
			return false, fmt.Errorf("stat of %s failed: %s", path, errnoText(err))
		}
		if theirs.Ino == mine.Ino {
			return false, nil
		}
	}
	return true, nil
}

// Close closes the files Open opened.
func (c *NsenterConfig) Close() {
	for _, f := range append(c.nsFiles, c.rootFile, c.wdFile) {
		if f != nil {
			f.Close()
		}
	}
}

// EntersPID reports whether a pid namespace is entered.
func (c *NsenterConfig) EntersPID() bool {
	for _, fl := range c.nsFlags {
		if fl == unix.CLONE_NEWPID {
			return true
		}
	}
	return false
}

// nsenterPlan is what NsenterConfig.Spawn and the early start plan from
// (plan): the files opened, in namespaces.SetnsOrder, and what to do with
// them, allocation-free.
type nsenterPlan struct {
	fd             [namespaces.NumTypes]int
	flag           [namespaces.NumTypes]uintptr
	n              int
	rootFd, wdFd   int   // -1: none
	wdns           *byte // a C string; nil: none
	preserveCreds  bool
	setUID, setGID int // -1: keep
	noFork         bool
	parentDies     bool // a waiting parent dies with nstool (the ordinary start's child)
}

// Texts of the steps that have no arguments to show (--explain).
const (
	textOpenCwd     = `open(".", O_RDONLY)  # remember the working directory`
	textFchdirCwd   = "fchdir(remembered working directory)"
	textNsenterFork = "fork(); the parent waits for the child (setns(CLONE_NEWPID) moves only children)"
)

// maxNsenterSteps is the most steps plan makes.
const maxNsenterSteps = 28

// plan lays out the steps into out, in util-linux nsenter's order:
// setgroups(0) when entering a user namespace, setns(2) in two passes (all
// but the user namespace first, so a deprivileging user namespace is
// entered last and a privileging one, whose setns would fail first, is
// entered first), root and working directory, fork when a pid namespace was
// entered (setns(CLONE_NEWPID) moves only the children), setgid/setuid. It
// allocates nothing: the early start calls it before Go's runtime starts.
//
//go:nocheckptr
func (p *nsenterPlan) plan(out []Step) int {
	n := 0
	add := func(s Step) int { out[n] = s; n++; return n }
	entersUser, entersPID := false, false
	for j := 0; j < p.n; j++ {
		entersUser = entersUser || p.flag[j] == unix.CLONE_NEWUSER
		entersPID = entersPID || p.flag[j] == unix.CLONE_NEWPID
	}
	forceUID, forceGID := p.setUID >= 0, p.setGID >= 0
	uid, gid := max(p.setUID, 0), max(p.setGID, 0)
	firstSetgroups := 0
	if entersUser && !p.preserveCreds {
		forceUID, forceGID = true, true
		// Called before and after entering: only both failing is an error.
		firstSetgroups = add(Step{Kind: StepSyscall, Err: "setgroups failed", Trap: unix.SYS_SETGROUPS, Soft: true})
	}
	var firstPass [namespaces.NumTypes]int
	for j := 0; j < p.n; j++ {
		if p.flag[j] != unix.CLONE_NEWUSER {
			firstPass[j] = add(Step{Kind: StepSyscall, Err: setnsErr(p.flag[j]), Trap: unix.SYS_SETNS,
				Args: [6]uintptr{uintptr(p.fd[j]), p.flag[j]}, Soft: true})
		}
	}
	for j := 0; j < p.n; j++ {
		add(Step{Kind: StepSyscall, Err: setnsErr(p.flag[j]), Trap: unix.SYS_SETNS,
			Args: [6]uintptr{uintptr(p.fd[j]), p.flag[j]}, SkipIfDone: firstPass[j]})
	}
	root, wd := p.rootFd >= 0, p.wdFd >= 0
	if root && !wd && p.wdns == nil {
		add(Step{Kind: StepOpenCwd, Text: textOpenCwd, Err: "cannot open current working directory"})
	}
	if root {
		add(Step{Kind: StepSyscall, Err: "change directory by root file descriptor failed", Trap: unix.SYS_FCHDIR,
			Args: [6]uintptr{uintptr(p.rootFd)}})
		add(Step{Kind: StepSyscall, Err: "chroot failed", Trap: unix.SYS_CHROOT, Path: ".", Args: [6]uintptr{cptr(cDot)}})
		add(Step{Kind: StepSyscall, Err: "cannot change directory to /", Trap: unix.SYS_CHDIR, Path: "/", Args: [6]uintptr{cptr(cRoot)}})
	}
	switch {
	case p.wdns != nil: // util-linux opens it and enters it by its descriptor
		add(Step{Kind: StepOpenCwd, Err: "cannot open current working directory", Path: CString(p.wdns),
			Args: [6]uintptr{uintptr(unsafe.Pointer(p.wdns))}})
		add(Step{Kind: stepFchdirCwd, Err: "change directory by working directory file descriptor failed", Path: CString(p.wdns)})
	case wd:
		add(Step{Kind: StepSyscall, Err: "change directory by working directory file descriptor failed", Trap: unix.SYS_FCHDIR,
			Args: [6]uintptr{uintptr(p.wdFd)}})
	case root:
		add(Step{Kind: stepFchdirCwd, Text: textFchdirCwd, Err: "change directory by working directory file descriptor failed"})
	}
	if entersPID && !p.noFork {
		add(sigchldDefault())
		if p.parentDies {
			add(Step{Kind: StepSyscall, Err: "prctl failed", Trap: unix.SYS_PRCTL, Args: [6]uintptr{unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL)}})
		}
		add(Step{Kind: StepForkWait, Text: textNsenterFork, Err: "fork failed", Untraced: true})
	}
	if forceGID {
		s := Step{Kind: StepSyscall, Err: "setgroups failed", Trap: unix.SYS_SETGROUPS}
		if firstSetgroups > 0 {
			s.OKIfDone = firstSetgroups
		} else {
			s.Soft = true
		}
		add(s)
		add(Step{Kind: StepSyscall, Err: "setgid failed", Trap: unix.SYS_SETGID, Args: [6]uintptr{uintptr(gid)}})
	}
	if forceUID {
		add(Step{Kind: StepSyscall, Err: "setuid failed", Trap: unix.SYS_SETUID, Args: [6]uintptr{uintptr(uid)}})
	}
	return n
}

// setnsErr is nsenter's message when setns(2) refuses a namespace.
//
//go:nosplit
func setnsErr(flag uintptr) string {
	for i := range namespaces.Table {
		if namespaces.Table[i].Flag == flag {
			return namespaces.Table[i].SetnsErr
		}
	}
	return "setns failed"
}

// Spawn builds the steps (plan) for the files Open opened.
func (c *NsenterConfig) Spawn() *Spawn {
	sp := &Spawn{Name: c.Name, Argv: c.Argv, Env: c.Env, NoPathSearch: c.NoPathSearch,
		ExecErr: "failed to execute " + c.Name}
	p := &nsenterPlan{rootFd: -1, wdFd: -1, preserveCreds: c.PreserveCreds, setUID: c.SetUID, setGID: c.SetGID,
		noFork: c.NoFork, parentDies: true}
	names := map[uintptr]string{} // file descriptor: its file, for --explain
	for i, f := range c.nsFiles {
		p.fd[i], p.flag[i] = int(f.Fd()), c.nsFlags[i]
		names[f.Fd()] = f.Name()
	}
	p.n = len(c.nsFiles)
	if c.rootFile != nil {
		p.rootFd = int(c.rootFile.Fd())
		names[c.rootFile.Fd()] = c.rootFile.Name()
	}
	if c.wdFile != nil {
		p.wdFd = int(c.wdFile.Fd())
		names[c.wdFile.Fd()] = c.wdFile.Name()
	}
	if c.Wdns != nil {
		b := append([]byte(*c.Wdns), 0)
		sp.keep = append(sp.keep, b)
		p.wdns = &b[0]
	}
	steps := make([]Step, maxNsenterSteps)
	sp.Steps = steps[:p.plan(steps)]
	for i := range sp.Steps {
		s := &sp.Steps[i]
		switch {
		case s.Text != "":
		case s.Trap == unix.SYS_SETNS:
			s.Text = fmt.Sprintf("setns(%d, %s)  # %s", s.Args[0], sysfmt.FormatCloneFlags(s.Args[1]), names[s.Args[0]])
			if s.Soft {
				s.Text += "  # first pass"
			} else if s.Args[1] != unix.CLONE_NEWUSER {
				s.Text += "  # second pass, if the first failed"
			}
		case s.Trap == unix.SYS_FCHDIR:
			s.Text = fmt.Sprintf("fchdir(%d)  # %s", s.Args[0], names[s.Args[0]])
		case s.Kind == StepOpenCwd:
			s.Text = fmt.Sprintf("open(%s, O_RDONLY)", strconv.Quote(s.Path))
		case s.Kind == stepFchdirCwd:
			s.Text = fmt.Sprintf("fchdir(fd of %s)", strconv.Quote(s.Path))
		case s.Trap == unix.SYS_PRCTL:
			s.Text = describe(s) + "  # the waiting parent dies with nstool"
		default:
			s.Text = describe(s)
		}
	}
	return sp
}
