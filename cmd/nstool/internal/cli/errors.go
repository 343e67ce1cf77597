package cli

import (
	"errors"
	"fmt"
)

// ExitError ends a command with util-linux's exit code. Err is printed as one
// line, "nstool VERB: Err", unless it is nil (the command already said what
// it had to, or nothing is to be said: findmnt's "nothing found" is exit 1
// without a message).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Exitf builds an ExitError with a formatted one-line message.
func Exitf(code int, format string, args ...any) error {
	return &ExitError{Code: code, Err: fmt.Errorf(format, args...)}
}

// Exit ends the command with code and no message.
func Exit(code int) error { return &ExitError{Code: code} }

// UsageError marks a mistake in the command line (unknown flag, bad
// argument count, mutually exclusive options). The root prints it with a
// "Try 'nstool VERB --help'" line, as util-linux does, and exits with Code.
type UsageError struct {
	Code int
	Err  error
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef builds a UsageError; util-linux exits 1 (ExitUsage) for bad usage.
func Usagef(code int, format string, args ...any) error {
	return &UsageError{Code: code, Err: fmt.Errorf(format, args...)}
}

// ExitCode returns the process exit code an error stands for: 0 for nil, the
// code of an ExitError or UsageError, 1 otherwise.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		return ue.Code
	}
	return 1
}
