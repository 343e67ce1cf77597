package early

import (
	"syscall"
	"unsafe"

	"github.com/nstool/nstool/cmd/nstool/internal/version"
)

// versionPrefix is what cobra's version template puts before the version.
const versionPrefix = "nstool "

// printVersion is `nstool --version` (or -v) alone, before the runtime:
// the line cobra prints, "nstool VERSION\n" (version.Line), written with
// raw write(2)s, then exit_group(2): 0, or 1 when stdout cannot take it,
// as the ordinary start's answer. The version is a string the linker wrote
// into the binary (-X), readable with nothing initialised.
//
//go:nocheckptr
func printVersion() {
	code := uintptr(0)
	for _, s := range [...]string{versionPrefix, version.Version, "\n"} {
		if !writeAll(1, s) {
			code = 1
			break
		}
	}
	syscall.RawSyscall(syscall.SYS_EXIT_GROUP, code, 0, 0)
}

// writeAll writes s to fd, again after a short write or EINTR.
//
//go:nocheckptr
func writeAll(fd uintptr, s string) bool {
	for len(s) > 0 {
		n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(len(s)))
		if e == syscall.EINTR {
			continue
		}
		if e != 0 || n == 0 {
			return false
		}
		s = s[n:]
	}
	return true
}
