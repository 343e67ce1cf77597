//go:build linux && (arm64 || riscv64 || loong64)

package spawn

import "golang.org/x/sys/unix"

// sysFstatat is fstatat(2) with unix.Stat_t's layout on this architecture
// (for raw system calls, where unix.Fstatat cannot be used).
const sysFstatat = unix.SYS_FSTATAT
