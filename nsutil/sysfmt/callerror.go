package sysfmt

import "fmt"

// CallError is a failed system call kept as data (mountsys.Call,
// pivot.Call): it reads as the call, as strace shows it, then the errno's
// text, and Err is the errno (unix.EINVAL, unix.EPERM, ...), so errors.Is
// works through it.
type CallError[C fmt.Stringer] struct {
	Call C
	Err  error
}

func (e *CallError[C]) Error() string { return e.Call.String() + ": " + e.Err.Error() }
func (e *CallError[C]) Unwrap() error { return e.Err }
