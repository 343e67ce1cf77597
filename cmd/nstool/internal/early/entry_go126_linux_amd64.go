// The gate: the early start depends on Go internals that no compatibility
// promise covers (the goroutine pointer g at FS:-8, a function prologue
// that compares SP with g's stackguard0, a static composite literal laid
// out by the linker rather than by an init function, the ELF entry being
// _rt0_amd64_linux). They were verified on the Go release named in go.mod's
// toolchain line, and this file and entry_go126_linux_amd64.s exist only
// for that release: built with any other Go, the entry symbol does not
// exist, the Makefile (which asks `go list` for this package's assembly
// files) omits -E, and nstool starts the ordinary way: slower, never broken.
// To verify a new release: change both files' constraint and their names,
// go.mod's toolchain line, then run the early package's tests (TestGate,
// TestStartNeedsNoRuntime) and `make test`.

//go:build go1.26 && !go1.27

package early

import (
	"syscall"
	"unsafe"

	"github.com/nstool/nstool/nsutil/spawn"
)

// entry is the ELF entry point, in entry_go126_linux_amd64.s.
func entry()

// The fake thread-local storage and goroutine that entry gives start.
var (
	fakeTLS [2]uintptr
	fakeG   [4]uintptr
)

// start runs from entry, on the kernel's stack, before the Go runtime: see
// spawn.EarlyUnshare for what it may and may not do. It returns when the
// ordinary start must follow.
//
//go:nocheckptr
func start(argc int, argv **byte) {
	mem.entered = true
	spawn.RecordStartLimits()          // before Go raises the soft RLIMIT_NOFILE
	args := unsafe.Slice(argv, argc+1) // args[argc] is NULL, the environment follows
	env := &unsafe.Slice(argv, argc+2)[argc+1]
	if argc < 2 {
		return
	}
	off, _ := getenv(env, "NSTOOL_EARLY=")
	verb := spawn.CString(args[1])
	if off == "off" {
		return
	}
	if argc == 2 && (verb == "--version" || verb == "-v") {
		printVersion()
	}
	if verb != "unshare" && verb != "nsenter" {
		return
	}
	guard(argv, env)
	if off == "panic" { // (for TestPanicBeforeRuntime: a bounds check that fails)
		_ = args[argc+len(off)]
	}
	if verb == "unshare" && Parse(&mem.request, args[2:argc], env) {
		mem.begun = true // (no running again from here on: steps may have been made)
		mem.request.Run()
	}
	if verb == "nsenter" && ParseNsenter(&mem.enter, args[2:argc], env) {
		mem.begun = true
		mem.enter.Run()
	}
	unguard() // (no defer: it needs the runtime)
}

// A panic before the runtime: Go's panic path needs the runtime's state
// (the m of g, the heap) and so faults on the fake g (SIGSEGV), as a nil
// pointer does. While start runs, onFault (entry_go126_linux_amd64.s)
// catches the faults and calls faulted: nstool then runs again with
// NSTOOL_EARLY=off, the ordinary start, or when steps may have been made
// says so and exits 1. Never a silent crash.

// offEnv is the environment to run nstool again with.
var offEnv [4096]*byte

// SA_RESTORER is required on x86-64 (the kernel has no default restorer;
// onFault never returns, so it is its own); SA_NODEFER leaves the signal
// unblocked for the program executed from the handler (execve(2) keeps the
// mask).
const faultFlags = 0x04000000 | 0x40000000 // SA_RESTORER | SA_NODEFER

// guard installs onFault for the fault signals.
//
//go:nocheckptr
func guard(argv, env **byte) {
	mem.savedArgv, mem.savedEnv = argv, env
	mem.faultAct = kernelSigaction{handler: onFaultPC(), flags: faultFlags, restorer: onFaultPC()}
	for _, sig := range [...]uintptr{uintptr(syscall.SIGSEGV), uintptr(syscall.SIGBUS), uintptr(syscall.SIGILL),
		uintptr(syscall.SIGFPE), uintptr(syscall.SIGTRAP)} { // the signals a fault raises (signal(7))
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, sig, uintptr(unsafe.Pointer(&mem.faultAct)), 0, 8, 0, 0)
	}
}

// unguard puts the default actions back before Go's runtime installs its
// own (it would otherwise keep onFault to forward faults to).
//
//go:nocheckptr
func unguard() {
	for _, sig := range [...]uintptr{uintptr(syscall.SIGSEGV), uintptr(syscall.SIGBUS), uintptr(syscall.SIGILL),
		uintptr(syscall.SIGFPE), uintptr(syscall.SIGTRAP)} { // the signals a fault raises (signal(7))
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, sig, uintptr(unsafe.Pointer(&mem.dflAct)), 0, 8, 0, 0)
	}
}

// faulted is onFault's Go half: it never returns.
//
//go:nocheckptr
func faulted() {
	unguard()
	if !mem.begun { // nothing was made: the ordinary start does it all
		offEnv[0] = unsafe.StringData(earlyOff)
		n := 1
		for env := mem.savedEnv; *env != nil && n < len(offEnv)-1; env = (**byte)(unsafe.Add(unsafe.Pointer(env), unsafe.Sizeof(env))) {
			offEnv[n] = *env
			n++
		}
		offEnv[n] = nil
		syscall.RawSyscall(syscall.SYS_EXECVE, uintptr(unsafe.Pointer(unsafe.StringData(selfExe))),
			uintptr(unsafe.Pointer(mem.savedArgv)), uintptr(unsafe.Pointer(&offEnv[0])))
	}
	syscall.RawSyscall(syscall.SYS_WRITE, 2, uintptr(unsafe.Pointer(unsafe.StringData(faultMsg))), uintptr(len(faultMsg)))
	for {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 1, 0, 0)
	}
}

const (
	earlyOff = Disable + "\x00"
	selfExe  = "/proc/self/exe\x00"
	faultMsg = "nstool: internal error before Go's runtime started (the early start); NSTOOL_EARLY=off avoids it\n"
)

// onFaultPC is the address of onFault (entry_go126_linux_amd64.s).
func onFaultPC() uintptr
