// Package cli holds what every nstool command shares: the IO streams (TTY and
// colour decisions), util-linux style exit errors and exit codes,
// strerror(3) texts, number parsing and getopt's messages.
package cli

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the three standard streams plus the facts about them that
// decide how output looks: a person at a terminal gets colour and tables, a
// pipe gets util-linux's exact bytes.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdoutTTY  bool
	stdinTTY   bool   // a person can answer a question
	colorMode  string // "auto", "always" or "never"
	termWidth  int
	errWidth   int // of stderr's terminal: --explain reports there
	noColorEnv bool
	forceColor bool // CLICOLOR_FORCE: colour on a pipe (a lab demo's commands)
}

// System returns the process's real streams.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, colorMode: "auto"}
	fd := int(os.Stdout.Fd())
	s.stdoutTTY = term.IsTerminal(fd)
	s.stdinTTY = term.IsTerminal(int(os.Stdin.Fd()))
	if s.stdoutTTY {
		if w, _, err := term.GetSize(fd); err == nil {
			s.termWidth = w
		}
	}
	if fd := int(os.Stderr.Fd()); term.IsTerminal(fd) {
		if w, _, err := term.GetSize(fd); err == nil {
			s.errWidth = w
		}
	}
	// https://no-color.org: any non-empty value turns colour off.
	s.noColorEnv = os.Getenv("NO_COLOR") != ""
	// CLICOLOR_FORCE (bixense.com/clicolors): colour although stdout is no
	// terminal; set by `nstool lab demo` for the commands it runs.
	s.forceColor = os.Getenv("CLICOLOR_FORCE") != "" && os.Getenv("CLICOLOR_FORCE") != "0"
	return s
}

// Test returns streams backed by buffers, for tests: not a TTY unless
// SetStdoutTTY(true) is called.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, colorMode: "auto"}, in, out, errOut
}

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStdinTTY reports whether standard input is a terminal: a question asked
// on stderr can be answered. Test streams never are.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// SetStdinTTY overrides the terminal detection of stdin (tests).
func (s *IOStreams) SetStdinTTY(tty bool) { s.stdinTTY = tty }

// SetStdoutTTY overrides the terminal detection (tests, --raw style flags).
func (s *IOStreams) SetStdoutTTY(tty bool) { s.stdoutTTY = tty }

// TerminalWidth is the width of the terminal, or 0 when stdout is no terminal.
func (s *IOStreams) TerminalWidth() int { return s.termWidth }

// StderrWidth is the width of the terminal on standard error, or 0 when
// it is no terminal.
func (s *IOStreams) StderrWidth() int { return s.errWidth }

// SetStderrWidth overrides the detected width of stderr's terminal (tests).
func (s *IOStreams) SetStderrWidth(w int) { s.errWidth = w }

// SetTerminalWidth overrides the detected width (tests).
func (s *IOStreams) SetTerminalWidth(w int) { s.termWidth = w }

// SetColorMode sets the --color choice: "auto", "always" or "never".
func (s *IOStreams) SetColorMode(mode string) { s.colorMode = mode }

// ColorEnabled decides colour once: --color=always and --color=never win,
// otherwise colour only on a terminal and only when NO_COLOR is unset.
func (s *IOStreams) ColorEnabled() bool {
	switch s.colorMode {
	case "always":
		return true
	case "never":
		return false
	}
	return (s.stdoutTTY || s.forceColor) && !s.noColorEnv
}
