package early

// entry is the ELF entry point, in entry_linux_amd64.s.
func entry()

// The fake thread-local storage and goroutine that entry gives start.
var (
	fakeTLS [2]uintptr
	fakeG   [4]uintptr
)
