package labs

import (
	"errors"
	"fmt"
)

// The engine returns errors; the command prints them and picks the exit
// status. These are the ones it must tell apart.

// SetupFailedStatus is the exit status of a sandbox whose lab's setup
// failed (a SetupError in Supervise): Run tells it from a learner's own
// exit status by it.
const SetupFailedStatus = 70

// SetupError is a lab's setup script that failed, with what it printed.
type SetupError struct {
	Lab    string
	Err    error
	Output string
}

func (e *SetupError) Error() string {
	return fmt.Sprintf("the setup of lab %s failed: %v\n%s", e.Lab, e.Err, e.Output)
}

func (e *SetupError) Unwrap() error { return e.Err }

// ErrSetupFailed is a sandbox whose lab's setup failed: its init has said
// so on the terminal, with the setup's output (Run wraps it with the lab).
var ErrSetupFailed = errors.New("its setup failed (output above)")

// ErrStepFailed is a verify or demo run in which a step failed; the run has
// said which and why on its output already.
var ErrStepFailed = errors.New("a step of the lab failed")

// ScriptError is a verify or demo run that could not go on (its shell could
// not start, or went away); it belongs on the run's output, with the steps.
type ScriptError struct{ Err error }

func (e *ScriptError) Error() string { return e.Err.Error() }
func (e *ScriptError) Unwrap() error { return e.Err }

// ExecError is a command `lab shell NAME -- COMMAND` could not run in the
// actor: not found (exit status 127, as a shell's) or not executable (126).
type ExecError struct {
	Path string
	Err  error
}

func (e *ExecError) Error() string { return fmt.Sprintf("failed to execute %s: %v", e.Path, e.Err) }
func (e *ExecError) Unwrap() error { return e.Err }
