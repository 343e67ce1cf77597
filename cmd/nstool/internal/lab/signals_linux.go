package lab

import (
	"os"
	"syscall"
)

// sigsTerminal are the signals a terminal sends: the sandbox's init leaves
// them to the learner's shell.
func sigsTerminal() []os.Signal {
	return []os.Signal{syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTSTP, syscall.SIGTTOU, syscall.SIGTTIN}
}
