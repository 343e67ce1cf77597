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

// entry is the ELF entry point, in entry_go126_linux_amd64.s.
func entry()

// The fake thread-local storage and goroutine that entry gives start.
var (
	fakeTLS [2]uintptr
	fakeG   [4]uintptr
)
