package spawn

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/sysfmt"
)

// A Spawn is a new process described as data: the system calls it makes
// between fork and exec, in order, and the program it finally executes.
//
// Why not os/exec: a Go process is multithreaded, and the kernel refuses
// several namespace operations to a multithreaded caller: unshare(2) with
// CLONE_NEWUSER, setns(2) into a user or time namespace (user_namespaces(7),
// setns(2)). A child made by a plain fork(2) has one thread, so it may do them
// all, but Go's runtime is not safe to run there: the child may not allocate
// or grow its stack, only make raw system calls, as syscall.forkAndExecInChild
// does. So the parent prepares every argument (C strings, arrays, flags) and
// the child walks the steps with raw system calls only (see spawn_child_linux.go).
type Spawn struct {
	Steps []Step
	// Here is how many of the first steps nstool makes itself, on its
	// locked thread, before Start forks a child for the rest (RunHere makes
	// them all). unshare --fork without a user namespace does this, as
	// util-linux does: the parent unshares, the child is the namespace's
	// first process.
	Here int
	// Name is the program as the user gave it ("ls", "/bin/sh"): it is looked
	// up in $PATH like execvp(3) unless it holds a slash, after every step (so
	// inside the new root and mount namespace).
	Name string
	Argv []string
	Env  []string
	// ExecErr is util-linux's message when the exec fails ("failed to execute ls").
	ExecErr string
	// NoPathSearch runs Name as a path even without a slash (exec_shell's execl).
	NoPathSearch bool
	// ParentDeathSignal, if set, is sent to the child when the thread that
	// started it exits (prctl(2) PR_SET_PDEATHSIG), set last before the exec
	// because a change of credentials clears it.
	ParentDeathSignal syscall.Signal

	// what the steps' arguments point into (Spawn keeps them alive)
	plan *unsharePlan
	keep [][]byte

	// prepared by Start/RunHere
	paths     [][]byte
	argvp     []*byte
	shArgv    []uintptr // /bin/sh, the path, Argv[1:]: execvp's ENOEXEC fallback
	envp      []*byte
	pipes     spawnPipes
	errBuf    [8]byte
	oneByte   [1]byte
	cwdFd     int
	ppid      uintptr
	rlimit    unix.Rlimit
	rlimOK    bool
	dflAct    sigactionT
	blockSS   uint64
	oldSS     uint64
	oneSigSet uint64
	cpuMask   unix.CPUSet
	origMask  unix.CPUSet
	capHdr    unix.CapUserHeader
	capData   [2]unix.CapUserData
}

// StepKind says how the child performs a Step. The kinds that other
// packages look for in a plan (the early start, the in-place runner, tests)
// are exported; the rest are the engine's own.
type StepKind int

const (
	// StepSyscall makes one system call: Trap(Args...).
	StepSyscall StepKind = iota
	// stepWriteFile opens Path write-only, writes Data, closes it
	// (/proc/self/uid_map, setgroups, timens_offsets).
	stepWriteFile
	// StepPause tells the parent that the namespaces exist (Args[1]: a
	// phase number passed on to the parent) and waits for its go-ahead, so
	// the parent can bind-mount /proc/PID/ns/* (persisting namespaces). The
	// parent may answer "again on CPU n": unshare(Args[0]) once more with
	// the thread pinned to that CPU, then pause again.
	StepPause
	// StepForkWait forks: the new child goes on with the next steps, this
	// process waits for it and exits as it did (util-linux unshare --fork,
	// nsenter's continue_as_child). Args[0] != 0: block SIGINT and SIGTERM
	// meanwhile (unshare). A StepPause right after it is made by the
	// waiting process, not by the child.
	StepForkWait
	// StepOpenCwd opens a directory for a later stepFchdirCwd: the working
	// directory (open(".")), or the C string at Args[0] (nsenter --wdns,
	// which util-linux opens and enters by its file descriptor).
	StepOpenCwd
	// stepFchdirCwd goes to the directory StepOpenCwd opened.
	stepFchdirCwd
	// stepKeepCaps makes the permitted capabilities inheritable and raises
	// each effective one into the ambient set, so that they survive the
	// exec of a non-root program (capabilities(7)); Args[0] is
	// /proc/sys/kernel/cap_last_cap.
	stepKeepCaps
)

// Step is one system call (or a small fixed sequence) in a Spawn.
type Step struct {
	Kind StepKind
	Text string // strace-like rendering, for --explain
	Err  string // util-linux's message when it fails ("unshare failed")

	Trap uintptr
	Args [6]uintptr

	// Path is the file a stepWriteFile writes, or the directory a chroot
	// or chdir goes to (named by Err's %s); Data is what is written.
	Path string
	Data string

	// Soft: a failure is no error; the step just does not count as done
	// (nsenter's first pass over the namespaces).
	Soft bool
	// SkipIfDone (index+1, 0 for none): skip this step when that one succeeded.
	SkipIfDone int
	// OKIfDone (index+1): a failure is fine when that step succeeded.
	OKIfDone int
	// IgnoreErrno: a failure with this errno is no error.
	IgnoreErrno syscall.Errno
	// OpenErr is a stepWriteFile's message when open(2) fails (Err: when
	// write(2) does).
	OpenErr string
	// IgnoreENOENT: for stepWriteFile, a missing file is no error.
	IgnoreENOENT bool
	// Untraced: for StepForkWait, stop when the child stops and continue it
	// after we are continued (nsenter).
	Untraced bool

	done bool
	path []byte
	data []byte
	keep [][]byte // C strings that Args point into
}

// errOpenFailed marks the errno of a stepWriteFile whose open(2) failed
// (errnos are below 4096): util-linux then says the step's OpenErr, and
// its Err when the write(2) fails.
const errOpenFailed syscall.Errno = 1 << 16

// failure is the SpawnError of the step failing with errno.
func (s *Step) failure(errno syscall.Errno) *SpawnError {
	if s.Kind == stepWriteFile && errno&errOpenFailed != 0 {
		return &SpawnError{Step: s.OpenErr, Errno: errno &^ errOpenFailed}
	}
	return &SpawnError{Step: s.message(), Errno: errno}
}

// message is the step's Err, its %s (if any) the step's Path: the messages
// that name a directory are constants so, which the early start can use.
func (s *Step) message() string {
	if i := strings.Index(s.Err, "%s"); i >= 0 && s.Kind == StepSyscall {
		return s.Err[:i] + s.Path + s.Err[i+2:]
	}
	return s.Err
}

// CString returns s as a NUL-terminated byte slice and its address, kept
// alive by the step, for an Args slot.
func (s *Step) CString(str string) uintptr {
	b := append([]byte(str), 0)
	s.keep = append(s.keep, b)
	return uintptr(unsafe.Pointer(&b[0]))
}

// SpawnError is a step that failed, in the child or here.
type SpawnError struct {
	Step  string // the step's util-linux message
	Errno syscall.Errno
	Exec  bool // the exec itself failed: exit 126, or 127 when not found
}

func (e *SpawnError) Error() string { return e.Step + ": " + sysfmt.Strerror(e.Errno) }
func (e *SpawnError) Unwrap() error { return e.Errno }

// ExitCode is util-linux's exit code for the failure: 127 when the program
// was not found, 126 when it cannot be executed, 1 otherwise.
func (e *SpawnError) ExitCode() int {
	if !e.Exec {
		return 1
	}
	if e.Errno == syscall.ENOENT {
		return 127
	}
	return 126
}

// Process is a started Spawn.
type Process struct {
	Pid      int
	spawn    *Spawn
	errR     *os.File // the child's failure report; closes on exec
	readyR   *os.File // the child reached a StepPause
	goW      *os.File // our answer to a pause
	execDone bool
	execErr  error
}

type spawnPipes struct {
	errW, readyW, goR int
}

// cBinSh is the shell execvp(3) runs a script without #! with.
const cBinSh = "/bin/sh\x00"

// execStep is the step index the child reports when the exec failed.
const execStep = 0xffff

// prepare builds every C string and array the child will need.
func (sp *Spawn) prepare() error {
	for i := range sp.Steps {
		s := &sp.Steps[i]
		if s.Kind == stepWriteFile {
			s.path = append([]byte(s.Path), 0)
			s.data = []byte(s.Data)
		}
	}
	name, err := syscall.ByteSliceFromString(sp.Name) // (refuses a NUL in it)
	if err != nil {
		return err
	}
	switch {
	case sp.Name == "" && !sp.NoPathSearch:
		sp.paths = nil // execvp(3) fails with ENOENT without trying
	case !sp.NoPathSearch && !strings.Contains(sp.Name, "/"):
		sp.paths = execvpCandidates(sp.Name, sp.Env)
	default:
		sp.paths = [][]byte{name}
	}
	if sp.argvp, err = syscall.SlicePtrFromStrings(sp.Argv); err != nil {
		return err
	}
	if sp.envp, err = syscall.SlicePtrFromStrings(sp.Env); err != nil {
		return err
	}
	sp.shArgv = nil
	if !sp.NoPathSearch { // execvp(3) has the fallback, execl(3) (the shell) not
		sp.shArgv = make([]uintptr, max(len(sp.argvp)+1, 3)) // argvp ends with its NULL
		sp.shArgv[0] = cptr(cBinSh)
		for i := 1; i < len(sp.argvp); i++ {
			sp.shArgv[i+1] = uintptr(unsafe.Pointer(sp.argvp[i])) // argvp keeps them alive
		}
	}
	sp.cwdFd = -1
	for _, s := range sp.Steps {
		if s.Kind == StepPause { // a "make it again" pins the thread, then restores this
			_ = unix.SchedGetaffinity(0, &sp.origMask)
			break
		}
	}
	sp.rlimit, sp.rlimOK = originalNofile()
	sp.dflAct = sigactionT{handler: 0} // SIG_DFL
	sp.blockSS = 1<<(uint(syscall.SIGINT)-1) | 1<<(uint(syscall.SIGTERM)-1)
	return nil
}

// execvpCandidates are the paths execvp(3) tries for a name without a
// slash (see execvpPaths), for Go code: the first PATH= of env, else
// glibc's default.
func execvpCandidates(name string, env []string) [][]byte {
	path := defaultPath
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v // the first, as getenv(3)
			break
		}
	}
	count := strings.Count(path, ":") + 1
	paths := make([][]byte, count)
	n, _ := execvpPaths(name, path, make([]byte, len(path)+count*(len(name)+2)), paths)
	return paths[:n]
}

// defaultPath is glibc's search path when PATH is unset (execvp(3)).
const defaultPath = "/bin:/usr/bin"

// execvpPaths lays out in buf, as NUL-terminated strings, the paths
// execvp(3) tries for a name without a slash, one per entry of path (an
// empty entry is the current directory, where glibc tries the bare name),
// and points paths at them. It allocates nothing (the early start calls
// it with static memory); false when they do not fit.
func execvpPaths(name, path string, buf []byte, paths [][]byte) (count int, ok bool) {
	n := 0
	for start := 0; start <= len(path); {
		end := start
		for end < len(path) && path[end] != ':' {
			end++
		}
		dir := path[start:end]
		if count == len(paths) || n+len(dir)+len(name)+2 > len(buf) {
			return count, false
		}
		first := n
		if dir != "" {
			n += copy(buf[n:], dir)
			buf[n] = '/'
			n++
		}
		n += copy(buf[n:], name)
		buf[n] = 0
		n++
		paths[count] = buf[first:n]
		count++
		start = end + 1
	}
	return count, true
}

// startNofile is RLIMIT_NOFILE as nstool was started with it, recorded by
// RecordStartLimits before Go's runtime raised the soft limit (Max 0: not
// recorded, in a binary without the early start).
var startNofile unix.Rlimit

// RecordStartLimits keeps RLIMIT_NOFILE for originalNofile. It runs at the
// ELF entry point (cmd/nstool/internal/early), before the Go runtime.
//
//go:nosplit
//go:nocheckptr
func RecordStartLimits() {
	syscall.RawSyscall6(syscall.SYS_PRLIMIT64, 0, unix.RLIMIT_NOFILE, 0, uintptr(unsafe.Pointer(&startNofile)), 0, 0)
}

// originalNofile is the soft RLIMIT_NOFILE nstool was started with: Go raises
// its own soft limit at start-up (to hard-1) and puts the old one back for
// the programs it executes; so do we, and ok says whether it must. The old
// value is recorded at the entry point; without it, take the parent's when
// Go evidently raised ours.
func originalNofile() (unix.Rlimit, bool) {
	var cur unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &cur) != nil {
		return cur, false
	}
	if startNofile.Max != 0 {
		return startNofile, startNofile != cur
	}
	if cur.Cur != cur.Max-1 {
		return cur, false
	}
	var parent unix.Rlimit
	if unix.Prlimit(os.Getppid(), unix.RLIMIT_NOFILE, nil, &parent) != nil || parent.Max != cur.Max {
		return cur, false
	}
	return parent, true
}

// Start forks the child, which makes the steps and execs the program. The
// calling goroutine should be locked to its thread (runtime.LockOSThread)
// when ParentDeathSignal is set: the signal follows the thread that forked.
func (sp *Spawn) Start() (*Process, error) {
	if err := sp.prepare(); err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	readyR, readyW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	goR, goW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	sp.pipes = spawnPipes{errW: int(errW.Fd()), readyW: int(readyW.Fd()), goR: int(goR.Fd())}
	pid, errno := forkChild(sp)
	runtime.KeepAlive(sp)
	errW.Close()
	readyW.Close()
	goR.Close()
	if errno != 0 {
		errR.Close()
		readyR.Close()
		goW.Close()
		return nil, fmt.Errorf("fork failed: %s", sysfmt.Strerror(errno))
	}
	return &Process{Pid: pid, spawn: sp, errR: errR, readyR: readyR, goW: goW}, nil
}

// Ready waits until the child reaches a StepPause and returns its phase;
// ok is false when the child failed before (Started reports why).
func (p *Process) Ready() (phase int, ok bool) {
	var b [1]byte
	n, _ := p.readyR.Read(b[:])
	return int(b[0]), n == 1
}

// Resume lets a paused child go on (again false), or has it make the
// namespace again with its thread on cpu, and pause again.
func (p *Process) Resume(again bool, cpu int) error {
	b := []byte{0}
	if again {
		b[0] = byte(cpu%255 + 1)
	}
	_, err := p.goW.Write(b)
	return err
}

// Started waits until the child has executed the program (nil) or failed
// (a *SpawnError); the child is not reaped.
func (p *Process) Started() error {
	if p.execDone {
		return p.execErr
	}
	p.execDone = true
	p.goW.Close()
	p.readyR.Close()
	var buf [8]byte
	n, _ := io.ReadFull(p.errR, buf[:])
	p.errR.Close()
	if n < 8 {
		return nil // the pipe closed on exec (O_CLOEXEC): the program runs
	}
	idx := binary.NativeEndian.Uint32(buf[:4])
	errno := syscall.Errno(binary.NativeEndian.Uint32(buf[4:]))
	if idx == execStep {
		p.execErr = &SpawnError{Step: p.spawn.ExecErr, Errno: errno, Exec: true}
	} else if int(idx) < len(p.spawn.Steps) {
		p.execErr = p.spawn.Steps[idx].failure(errno)
	} else {
		p.execErr = &SpawnError{Step: "child failed", Errno: errno}
	}
	return p.execErr
}

// Wait reaps the child (retrying on EINTR).
func (p *Process) Wait() (syscall.WaitStatus, error) {
	var ws syscall.WaitStatus
	for {
		_, err := syscall.Wait4(p.Pid, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		return ws, err
	}
}

// WaitFollowingStops is Wait for a child that stands for the program: when
// it stops, stop too (so that a shell sees its job stopped), and continue
// it when we are continued, as util-linux nsenter's continue_as_child.
func (p *Process) WaitFollowingStops() (syscall.WaitStatus, error) {
	var ws syscall.WaitStatus
	for {
		_, err := syscall.Wait4(p.Pid, &ws, syscall.WUNTRACED, nil)
		if err == syscall.EINTR {
			continue
		}
		if err == nil && ws.Stopped() {
			_ = syscall.Kill(os.Getpid(), syscall.SIGSTOP)
			_ = syscall.Kill(p.Pid, syscall.SIGCONT)
			continue
		}
		return ws, err
	}
}

// RunStepsHere makes the first n steps on the calling goroutine's thread,
// which it locks for good (see RunHere).
func (sp *Spawn) RunStepsHere(n int, pause Paused) error {
	runtime.LockOSThread()
	if err := sp.prepare(); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		s := &sp.Steps[i]
		switch s.Kind {
		case StepPause:
			for {
				again, cpu, err := pause(int(s.Args[1]))
				if err != nil {
					return err
				}
				if !again {
					break
				}
				var set unix.CPUSet
				set.Set(cpu)
				_ = unix.SchedSetaffinity(0, &set)
				_, _, errno := syscall.RawSyscall(syscall.SYS_UNSHARE, s.Args[0], 0, 0)
				_ = unix.SchedSetaffinity(0, &sp.origMask)
				if errno != 0 {
					return &SpawnError{Step: s.message(), Errno: errno}
				}
			}
			continue
		case StepForkWait:
			return fmt.Errorf("internal error: cannot fork here")
		}
		if errno := doStep(sp, i); errno != 0 {
			return s.failure(errno)
		}
	}
	return nil
}

// Paused is called at a StepPause with its phase; it answers whether to
// make the namespace again, and on which CPU.
type Paused func(phase int) (again bool, cpu int, err error)

// RunHere makes the steps in this process, on the calling goroutine's
// thread (which it locks for good), then executes the program in place of
// nstool, as util-linux does when no fork is needed. It returns only on
// failure. Steps must not include StepForkWait; setuid and friends are made
// as raw system calls on this thread only, which is what the exec needs.
func (sp *Spawn) RunHere(pause Paused) error {
	if err := sp.RunStepsHere(len(sp.Steps), pause); err != nil {
		return err
	}
	if startNofile.Max == 0 {
		// No record of the limit nstool started with (a binary without the
		// early start): only syscall.Exec knows it.
		return &SpawnError{Step: sp.ExecErr, Errno: sp.execWithGo(), Exec: true}
	}
	// As syscall.Exec: no thread may start meanwhile, and the RLIMIT_NOFILE
	// Go raised at start-up goes back.
	runtimeBeforeExec()
	if sp.rlimOK {
		_ = unix.Setrlimit(unix.RLIMIT_NOFILE, &sp.rlimit)
	}
	errno := execProgram(sp)
	runtimeAfterExec()
	return &SpawnError{Step: sp.ExecErr, Errno: errno, Exec: true}
}

// execWithGo is execProgram through syscall.Exec, which puts back the
// RLIMIT_NOFILE Go raised at start-up.
func (sp *Spawn) execWithGo() syscall.Errno {
	eacces, last := false, syscall.ENOENT
	for _, p := range sp.paths {
		path := string(p[:len(p)-1])
		err := syscall.Exec(path, sp.Argv, sp.Env)
		if err == syscall.ENOEXEC && sp.shArgv != nil && len(sp.Argv) > 0 {
			err = syscall.Exec("/bin/sh", append([]string{"/bin/sh", path}, sp.Argv[1:]...), sp.Env)
		}
		last, _ = err.(syscall.Errno)
		if !execvpGoesOn(last, &eacces) {
			return last
		}
	}
	if eacces {
		return syscall.EACCES
	}
	return last
}

// sigactionT is struct kernel_sigaction for rt_sigaction(2) on Linux.
type sigactionT struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}
