package spawn

import (
	"fmt"
	"os"
	"strconv"
	"syscall"

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
	Wdns             string // --wdns: a working directory inside the namespace, after the root change
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

// NsenterOpenError is a namespace or directory file that cannot be opened.
type NsenterOpenError struct {
	Path string
	Err  error
}

func (e *NsenterOpenError) Error() string { return "cannot open " + e.Path + ": " + errnoText(e.Err) }
func (e *NsenterOpenError) Unwrap() error { return e.Err }

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

func openNsenterFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, &NsenterOpenError{Path: path, Err: err}
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
			if !usableNamespace(c.Target, ns) {
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
func usableNamespace(target int, ns *namespaces.Info) bool {
	var mine, theirs unix.Stat_t
	if err := unix.Stat("/proc/self/ns/"+ns.Name, &mine); err != nil {
		return false
	}
	if ns.Flag == unix.CLONE_NEWUSER {
		if err := unix.Stat("/proc/"+strconv.Itoa(target)+"/ns/user", &theirs); err == nil && theirs.Ino == mine.Ino {
			return false
		}
	}
	return true
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

// Spawn builds the steps in util-linux nsenter's order: setgroups(0) when
// entering a user namespace, setns(2) in two passes (all but the user
// namespace first, so a deprivileging user namespace is entered last and a
// privileging one, whose setns would fail first, is entered first), root
// and working directory, fork when a pid namespace was entered
// (setns(CLONE_NEWPID) moves only the children), setgid/setuid, exec.
// Call Open first.
func (c *NsenterConfig) Spawn() *Spawn {
	sp := &Spawn{Name: c.Name, Argv: c.Argv, Env: c.Env, NoPathSearch: c.NoPathSearch,
		ExecErr: "failed to execute " + c.Name}
	add := func(s Step) int { sp.Steps = append(sp.Steps, s); return len(sp.Steps) }

	forceUID, forceGID := c.SetUID >= 0, c.SetGID >= 0
	uid, gid := c.SetUID, c.SetGID
	firstSetgroups := 0
	entersUser := false
	for _, fl := range c.nsFlags {
		entersUser = entersUser || fl == unix.CLONE_NEWUSER
	}
	if entersUser && !c.PreserveCreds {
		forceUID, forceGID = true, true
		if uid < 0 {
			uid = 0
		}
		if gid < 0 {
			gid = 0
		}
		// Called before and after entering: only both failing is an error.
		s := syscallStep("setgroups(0, NULL)", "setgroups failed", unix.SYS_SETGROUPS, 0, 0)
		s.Soft = true
		firstSetgroups = add(s)
	}
	firstPass := map[uintptr]int{}
	for i, fl := range c.nsFlags {
		if fl == unix.CLONE_NEWUSER {
			continue
		}
		s := setnsStep(c.nsFiles[i], fl)
		s.Soft = true
		s.Text += "  # first pass"
		firstPass[fl] = add(s)
	}
	for i, fl := range c.nsFlags {
		s := setnsStep(c.nsFiles[i], fl)
		s.SkipIfDone = firstPass[fl]
		if fl != unix.CLONE_NEWUSER {
			s.Text += "  # second pass, if the first failed"
		}
		add(s)
	}
	if c.rootFile != nil && c.wdFile == nil && c.Wdns == "" {
		add(Step{Kind: StepOpenCwd, Text: `open(".", O_RDONLY)  # remember the working directory`,
			Err: "cannot open current working directory"})
	}
	if c.rootFile != nil {
		add(syscallStep(fmt.Sprintf("fchdir(%d)  # %s", c.rootFile.Fd(), c.rootFile.Name()),
			"change directory by root file descriptor failed", unix.SYS_FCHDIR, c.rootFile.Fd()))
		add(pathStep("chroot", unix.SYS_CHROOT, ".", "chroot failed"))
		add(pathStep("chdir", unix.SYS_CHDIR, "/", "cannot change directory to /"))
	}
	if c.Wdns != "" {
		s := Step{Kind: StepOpenCwd, Text: fmt.Sprintf("open(%s, O_RDONLY)", strconv.Quote(c.Wdns)),
			Err: "cannot open current working directory"}
		s.Args[0] = s.CString(c.Wdns)
		add(s)
		add(Step{Kind: StepFchdirCwd, Text: fmt.Sprintf("fchdir(fd of %s)", strconv.Quote(c.Wdns)),
			Err: "change directory by working directory file descriptor failed"})
	} else if c.wdFile != nil {
		add(syscallStep(fmt.Sprintf("fchdir(%d)  # %s", c.wdFile.Fd(), c.wdFile.Name()),
			"change directory by working directory file descriptor failed", unix.SYS_FCHDIR, c.wdFile.Fd()))
	} else if c.rootFile != nil {
		add(Step{Kind: StepFchdirCwd, Text: "fchdir(remembered working directory)",
			Err: "change directory by working directory file descriptor failed"})
	}
	if c.EntersPID() && !c.NoFork {
		add(sigchldDefault())
		add(syscallStep("prctl(PR_SET_PDEATHSIG, SIGKILL)  # the waiting parent dies with nstool", "prctl failed",
			unix.SYS_PRCTL, unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL)))
		add(Step{Kind: StepForkWait, Text: "fork(); the parent waits for the child (setns(CLONE_NEWPID) moves only children)",
			Err: "fork failed", Untraced: true})
	}
	if forceGID {
		s := syscallStep("setgroups(0, NULL)", "setgroups failed", unix.SYS_SETGROUPS, 0, 0)
		if firstSetgroups > 0 {
			s.OKIfDone = firstSetgroups
		} else {
			s.Soft = true
		}
		add(s)
		add(syscallStep(fmt.Sprintf("setgid(%d)", gid), "setgid failed", unix.SYS_SETGID, uintptr(gid)))
	}
	if forceUID {
		add(syscallStep(fmt.Sprintf("setuid(%d)", uid), "setuid failed", unix.SYS_SETUID, uintptr(uid)))
	}
	return sp
}

func setnsStep(f *os.File, flag uintptr) Step {
	msg := "setns failed"
	for i := range namespaces.Table {
		if namespaces.Table[i].Flag == flag {
			msg = namespaces.Table[i].SetnsErr
		}
	}
	return syscallStep(fmt.Sprintf("setns(%d, %s)  # %s", f.Fd(), sysfmt.FormatCloneFlags(flag), f.Name()),
		msg, unix.SYS_SETNS, f.Fd(), flag)
}
