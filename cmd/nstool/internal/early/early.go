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
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/nsopt"
	"github.com/nstool/nstool/nsutil/mountopt"
	"github.com/nstool/nstool/nsutil/namespaces"
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

// mem is all the memory start uses (but the fault guard's offEnv), in one
// place: it runs before anything can be allocated, and every page it
// touches first costs a page fault, what the early start exists to save.
var mem struct {
	entered   bool // start ran: this binary has the early start
	begun     bool // start began to carry out a command line (the guard may not run nstool again)
	request   spawn.EarlyUnshare
	enter     spawn.EarlyNsenter
	scanned   [48]opt  // what scan read
	offsets   [2]int64 // --monotonic's and --boottime's values
	shellArgv [2]*byte
	savedArgv **byte // for the guard
	savedEnv  **byte
	faultAct  kernelSigaction
	dflAct    kernelSigaction
	shellArg0 [256]byte
}

// cProc is --mount-proc's default (nsopt.Unshare's Bare) as a C string.
const cProc = "/proc\x00"

// kernelSigaction is struct sigaction for rt_sigaction(2) on Linux.
type kernelSigaction struct {
	handler, flags, restorer, mask uintptr
}

// Parse reads unshare's options (nsopt.Unshare) and program from args (C
// strings; the array goes on with a NULL) the way the cobra command would,
// into u, taking each option in turn as Options.Config does. It answers
// false for anything outside the early subset (a namespace file to keep,
// --kill-child, a value Config would refuse, "-" as a program, an empty
// $SHELL): the ordinary start then does it all and says what is wrong; u
// is of no use.
//
//go:nocheckptr
func Parse(u *spawn.EarlyUnshare, args []*byte, env **byte) bool {
	*u = spawn.EarlyUnshare{Propagation: mountopt.PropagationPrivate, MapUser: -1, MapGroup: -1, SetUID: -1, SetGID: -1,
		EarlyProgram: spawn.EarlyProgram{Env: env}}
	cmd := command{nsopt.Unshare[:], nsopt.UnshareOptstring, nsopt.UnshareLongopts}
	opts, prog, ok := scan(&cmd, args)
	if !ok {
		return false
	}
	for i := range opts {
		if !setUnshare(u, &opts[i]) {
			return false
		}
	}
	switch {
	case u.Flags&unix.CLONE_NEWPID != 0 && !u.Fork:
		// After unshare(CLONE_NEWPID) the kernel refuses this process new
		// threads: Go's runtime could not start to report a failure.
		return false
	case (u.Monotonic != nil || u.Boottime != nil) && u.Flags&unix.CLONE_NEWTIME == 0,
		u.MapGroup >= 0 && u.Setgroups == "allow":
		return false // Config refuses them
	}
	if u.MapUser >= 0 || u.MapGroup >= 0 {
		u.Flags |= unix.CLONE_NEWUSER
	}
	return program(&u.EarlyProgram, args[prog:], env)
}

// setUnshare is Options.Config for one option of unshare's; false for
// what the early start leaves to the ordinary one.
//
//go:nocheckptr
func setUnshare(u *spawn.EarlyUnshare, o *opt) bool {
	var ok bool
	switch o.id {
	case nsopt.Fork:
		u.Fork = true
	case nsopt.MapRootUser: // -r, -c, --map-user and --map-group: the last to set an ID wins
		u.MapUser, u.MapGroup = 0, 0
	case nsopt.MapCurrentUser:
		uid, _, _ := syscall.RawSyscall(syscall.SYS_GETEUID, 0, 0, 0)
		gid, _, _ := syscall.RawSyscall(syscall.SYS_GETEGID, 0, 0, 0)
		u.MapUser, u.MapGroup = int(uid), int(gid)
	case nsopt.MapUser: // (uid_t)-1, util-linux's "no mapping": the ordinary start's
		u.MapUser, ok = lookupID(o.value, false)
		return ok && u.MapUser != 1<<32-1
	case nsopt.MapGroup:
		u.MapGroup, ok = lookupID(o.value, true)
		return ok && u.MapGroup != 1<<32-1
	case nsopt.MountProc:
		u.MountProc = unsafe.StringData(cProc) // its Bare, as a C string
		if o.given {
			u.MountProc = cstr(o.value)
		}
		u.Flags |= unix.CLONE_NEWNS
	case nsopt.Propagation:
		u.Propagation, ok = mountopt.PropagationFlags(o.value)
		return ok
	case nsopt.Setgroups:
		u.Setgroups = o.value
		return o.value == "allow" || o.value == "deny"
	case nsopt.KeepCaps:
		u.KeepCaps = true
	case nsopt.Root:
		u.Root = cstr(o.value)
	case nsopt.Wd:
		u.Wd = cstr(o.value)
	case nsopt.SetUID:
		u.SetUID, ok = parseUint32(o.value)
		return ok
	case nsopt.SetGID:
		u.SetGID, ok = parseUint32(o.value)
		return ok
	case nsopt.Monotonic:
		mem.offsets[0], ok = parseInt64(o.value)
		u.Monotonic = &mem.offsets[0]
		return ok
	case nsopt.Boottime:
		mem.offsets[1], ok = parseInt64(o.value)
		u.Boottime = &mem.offsets[1]
		return ok
	default:
		if o.id >= nsopt.ID(namespaces.NumTypes) || o.given {
			return false // --kill-child, --explain; a namespace file to keep
		}
		u.Flags |= namespaces.Table[o.id].Flag
	}
	return true
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

// shell is the shell as nsexec.Program chooses it (nsopt.Shell), its
// argv[0] "-NAME" in static memory.
//
//go:nocheckptr
func shell(u *spawn.EarlyProgram, env **byte) bool {
	sh, base := nsopt.Shell(getenv(env, "SHELL="))
	if sh == "" || len(base)+2 > len(mem.shellArg0) {
		return false // util-linux executes "" and fails: the ordinary start says so
	}
	mem.shellArg0[0] = '-'
	n := 1 + copy(mem.shellArg0[1:], base)
	mem.shellArg0[n] = 0
	mem.shellArgv[0], mem.shellArgv[1] = &mem.shellArg0[0], nil
	u.Name, u.Argv, u.NoPathSearch = sh, &mem.shellArgv[0], true
	return true
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
	if !mem.entered || len(argv) < 2 {
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
