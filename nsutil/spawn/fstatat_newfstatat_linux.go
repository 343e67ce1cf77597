//go:build linux && (amd64 || ppc64 || ppc64le || s390x || mips64 || mips64le || sparc64)

package spawn

import "golang.org/x/sys/unix"

// sysFstatat is fstatat(2) with unix.Stat_t's layout on this architecture
// (for raw system calls, where unix.Fstatat cannot be used).
const sysFstatat = unix.SYS_NEWFSTATAT
