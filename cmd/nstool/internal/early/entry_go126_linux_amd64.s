//go:build go1.26 && !go1.27

// See entry_go126_linux_amd64.go for the gate.

#include "textflag.h"

// entry is nstool's ELF entry point (go build -ldflags -E EntrySymbol).
// The kernel starts it with the stack holding argc, argv[], NULL, envp[]. It
// calls start(argc, argv), then goes on to the Go runtime's own entry point
// with the stack as it found it.
//
// Go code expects its goroutine (g) in thread-local storage, and checks the
// stack against g's bounds in every function prologue. Nothing is set up
// yet, so give it a fake g whose stack guard is 0 (the kernel's 8 MiB stack
// never looks exhausted): fakeTLS[0] = &fakeG, and the FS base one word
// further on, since Go reads g at FS:-8. The runtime sets its own FS base
// (runtime·settls) before it first uses g.
TEXT ·entry(SB),NOSPLIT|NOFRAME,$0
	LEAQ ·fakeG(SB), AX
	MOVQ AX, ·fakeTLS(SB)
	MOVQ $158, AX           // arch_prctl(ARCH_SET_FS, &fakeTLS[1])
	MOVQ $0x1002, DI
	LEAQ ·fakeTLS+8(SB), SI
	SYSCALL
	MOVQ 0(SP), AX          // argc
	LEAQ 8(SP), BX          // argv
	SUBQ $16, SP
	MOVQ AX, 0(SP)
	MOVQ BX, 8(SP)
	CALL ·start(SB)
	ADDQ $16, SP
	JMP _rt0_amd64_linux(SB)

// onFault handles a fault signal while start runs (see faulted): on the
// signal frame the kernel pushed; it never returns.
TEXT ·onFault(SB),NOSPLIT|NOFRAME,$0
	ANDQ $~15, SP
	CALL ·faulted(SB)
	MOVQ $231, AX           // exit_group(1), should faulted return
	MOVQ $1, DI
	SYSCALL

// func onFaultPC() uintptr
TEXT ·onFaultPC(SB),NOSPLIT,$0-8
	LEAQ ·onFault(SB), AX
	MOVQ AX, ret+0(FP)
	RET
