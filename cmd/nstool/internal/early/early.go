// Package early is nstool's ELF entry point: before the Go runtime starts,
// it carries out `nstool unshare` for the shapes a classroom types, as
// util-linux does and about as fast (see spawn.EarlyUnshare for why).
// Anything else, and any command line it does not fully understand, goes
// on to the ordinary start: the runtime, cobra, the unshare command.
//
// The binary must be linked with -E (the Makefile does, on linux/amd64):
//
//	go build -ldflags '-E github.com/nstool/nstool/cmd/nstool/internal/early.entry'
//
// Without it nstool works the same, only slower to start.
package early

import (
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountopt"
	"github.com/nstool/nstool/nsutil/spawn"
)

// EntrySymbol is the linker's name for the entry point (go build -ldflags -E).
const EntrySymbol = "github.com/nstool/nstool/cmd/nstool/internal/early.entry"

// Disable is the environment setting that turns the early start off.
const Disable = "NSTOOL_EARLY=off"

// Failure is the failure of an early start after its first step, as
// util-linux reports it (nil when there was none), and its command.
func Failure() (verb string, err error) {
	if verb, err := spawn.EarlyFailure(); err != nil {
		return verb, err
	}
	return "", nil
}

// Static memory for start (it runs before anything can be allocated).
var (
	entered   bool // start ran: this binary has the early start
	request   spawn.EarlyUnshare
	enter     spawn.EarlyNsenter
	shellArg0 [256]byte
	shellArgv [2]*byte
)

const binSh = "/bin/sh\x00"

// start runs from entry, on the kernel's stack, before the Go runtime: see
// spawn.EarlyUnshare for what it may and may not do. It returns when the
// ordinary start must follow.
//
//go:nocheckptr
func start(argc int, argv **byte) {
	entered = true
	spawn.RecordStartLimits()          // before Go raises the soft RLIMIT_NOFILE
	args := unsafe.Slice(argv, argc+1) // args[argc] is NULL, the environment follows
	env := &unsafe.Slice(argv, argc+2)[argc+1]
	if argc < 2 {
		return
	}
	if off, _ := getenv(env, "NSTOOL_EARLY="); off == "off" {
		return
	}
	switch spawn.CString(args[1]) {
	case "unshare":
		if Parse(&request, args[2:argc], env) {
			request.Run()
		}
	case "nsenter":
		if ParseNsenter(&enter, args[2:argc], env) {
			enter.Run()
		}
	}
}

// Parse reads unshare's options and program from args (C strings; the
// array goes on with a NULL) the way the cobra command would, into u. It
// answers false for anything outside the early subset (values but
// --propagation's, other options, "-" as a program, an odd $SHELL); u is
// then of no use.
//
//go:nocheckptr
func Parse(u *spawn.EarlyUnshare, args []*byte, env **byte) bool {
	*u = spawn.EarlyUnshare{Propagation: mountopt.PropagationPrivate, EarlyProgram: spawn.EarlyProgram{Env: env}}
	i := 0
	for ; i < len(args); i++ {
		a := spawn.CString(args[i])
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			if a == "-" {
				return false
			}
			break // the program: the rest is its own (SetInterspersed(false))
		}
		if a[1] != '-' {
			for j := 1; j < len(a); j++ {
				if !shortOption(u, a[j]) {
					return false
				}
			}
			continue
		}
		word := ""
		switch {
		case a == "--propagation":
			if i+1 == len(args) {
				return false
			}
			i++
			word = spawn.CString(args[i])
		case len(a) > 14 && a[:14] == "--propagation=":
			word = a[14:]
		default:
			if !longOption(u, a[2:]) {
				return false
			}
			continue
		}
		var ok bool
		if u.Propagation, ok = mountopt.PropagationFlags(word); !ok {
			return false
		}
	}
	if u.Flags&unix.CLONE_NEWPID != 0 && !u.Fork {
		// After unshare(CLONE_NEWPID) the kernel refuses this process new
		// threads: Go's runtime could not start to report a failure.
		return false
	}
	if u.MapRoot || u.MapCurrent {
		u.Flags |= unix.CLONE_NEWUSER
	}
	if u.MountProc {
		u.Flags |= unix.CLONE_NEWNS
	}
	return program(&u.EarlyProgram, args[i:], env)
}

// program is what to execute (nsexec.Program): args[0] and the rest, or
// the shell.
func program(p *spawn.EarlyProgram, args []*byte, env **byte) bool {
	if len(args) > 0 {
		p.Name, p.Argv = spawn.CString(args[0]), &args[0]
		return p.Name != ""
	}
	return shell(p, env)
}

// shell is util-linux exec_shell (nsexec.Program): $SHELL, else /bin/sh,
// by path, with argv[0] "-NAME".
//
//go:nocheckptr
func shell(u *spawn.EarlyProgram, env **byte) bool {
	sh, set := getenv(env, "SHELL=")
	if !set {
		sh = binSh[:len(binSh)-1]
	}
	if sh == "" || sh[len(sh)-1] == '/' || len(sh)+2 > len(shellArg0) {
		return false // an empty $SHELL, filepath.Base's corner cases: leave them to it
	}
	base := len(sh)
	for base > 0 && sh[base-1] != '/' {
		base--
	}
	shellArg0[0] = '-'
	n := 1 + copy(shellArg0[1:], sh[base:])
	shellArg0[n] = 0
	shellArgv[0], shellArgv[1] = &shellArg0[0], nil
	u.Name, u.Argv, u.NoPathSearch = sh, &shellArgv[0], true
	return true
}

// namespaces are the namespace options of unshare and nsenter, long and short.
var namespaces = [...]struct {
	long  string
	short byte
	flag  uintptr
}{
	{"mount", 'm', unix.CLONE_NEWNS}, {"uts", 'u', unix.CLONE_NEWUTS}, {"ipc", 'i', unix.CLONE_NEWIPC},
	{"net", 'n', unix.CLONE_NEWNET}, {"pid", 'p', unix.CLONE_NEWPID}, {"user", 'U', unix.CLONE_NEWUSER},
	{"cgroup", 'C', unix.CLONE_NEWCGROUP}, {"time", 'T', unix.CLONE_NEWTIME},
}

// shortOption takes one letter of a short option cluster (-mpf).
func shortOption(u *spawn.EarlyUnshare, c byte) bool {
	switch c {
	case 'f':
		u.Fork = true
	case 'r': // the last of -r and -c wins, as in util-linux
		u.MapRoot, u.MapCurrent = true, false
	case 'c':
		u.MapRoot, u.MapCurrent = false, true
	default:
		flag := namespaceShort(c)
		u.Flags |= flag
		return flag != 0
	}
	return true
}

// longOption takes --name (without its dashes).
func longOption(u *spawn.EarlyUnshare, name string) bool {
	switch name {
	case "fork":
		return shortOption(u, 'f')
	case "map-root-user":
		return shortOption(u, 'r')
	case "map-current-user":
		return shortOption(u, 'c')
	case "mount-proc":
		u.MountProc = true
		return true
	}
	return shortOption(u, namespaceLong(name))
}

// namespaceShort is the CLONE_NEW* flag of a namespace option letter (0:
// none), the same for unshare and nsenter.
func namespaceShort(c byte) uintptr {
	for _, ns := range namespaces {
		if ns.short == c {
			return ns.flag
		}
	}
	return 0
}

// namespaceLong is the letter of a long namespace option (0: none).
func namespaceLong(name string) byte {
	for _, ns := range namespaces {
		if ns.long == name {
			return ns.short
		}
	}
	return 0
}

// getenv is the value of the first "KEY=" in env, and whether it is set.
//
//go:nocheckptr
func getenv(env **byte, key string) (string, bool) {
	for ; *env != nil; env = (**byte)(unsafe.Add(unsafe.Pointer(env), unsafe.Sizeof(env))) {
		if kv := spawn.CString(*env); len(kv) >= len(key) && kv[:len(key)] == key {
			return kv[len(key):], true
		}
	}
	return "", false
}

// Takes reports whether this binary's early start would take the command
// line argv (os.Args) without its --explain, with the environment env: for
// --explain to say so.
func Takes(argv, env []string) bool {
	if !entered || len(argv) < 2 {
		return false // linked without -E
	}
	args := argv[2:]
	for i, a := range args { // the first --explain, as cobra took it
		if a == "--explain" || strings.HasPrefix(a, "--explain=") {
			args = append(append([]string{}, args[:i]...), args[i+1:]...)
			break
		}
	}
	envp := &spawn.CStrings(env)[0]
	if off, _ := getenv(envp, "NSTOOL_EARLY="); off == "off" {
		return false
	}
	switch argv[1] {
	case "unshare":
		var u spawn.EarlyUnshare
		return Parse(&u, spawn.CStrings(args)[:len(args)], envp)
	case "nsenter":
		var u spawn.EarlyNsenter
		return ParseNsenter(&u, spawn.CStrings(args)[:len(args)], envp)
	}
	return false
}
