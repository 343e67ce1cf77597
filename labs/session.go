package labs

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// session is one bash reading commands from a pipe, as a learner's shell
// reads them from a terminal. Each command is followed by an echo of a
// marker, so the engine knows when the command has finished.
type session struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string
	n     int
}

// EnvForceColor asks nstool's commands for colour on a pipe (cli reads it):
// a demo's commands write to the engine, which shows them on a projector.
const EnvForceColor = "CLICOLOR_FORCE"

func newSession(color bool) (*session, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(SandboxDir+"/bin/labsh", "-s")
	cmd.Dir = LabDir
	if color {
		cmd.Env = append(os.Environ(), EnvForceColor+"=1")
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	pw.Close()
	s := &session{cmd: cmd, in: in, lines: make(chan string, 64)}
	go func() {
		readLines(pr, func(l string) { s.lines <- l })
		close(s.lines)
	}()
	return s, nil
}

// StepTimeout bounds a lab's setup and each command of its reference
// solution: one that never returns (a foreground `sleep infinity`) is a
// broken lab, and start, verify and the class's CI must say so rather than
// hang. 60 s, or $NSTOOL_LAB_TIMEOUT seconds (a teacher trying a slow lab).
func StepTimeout() time.Duration {
	if n, err := strconv.Atoi(os.Getenv(EnvTimeout)); err == nil && n > 0 {
		// Beyond time.Duration's 292 years, n seconds would wrap round
		// to a negative limit: every command stopped at once.
		return time.Duration(min(n, int(math.MaxInt64/time.Second))) * time.Second
	}
	return 60 * time.Second
}

// EnvTimeout overrides StepTimeout.
const EnvTimeout = "NSTOOL_LAB_TIMEOUT"

// run types one command and copies its output to w until it has finished.
func (s *session) run(command string, w io.Writer) error {
	mark := s.mark()
	if _, err := fmt.Fprintf(s.in, "%s\nprintf '\\n%s\\n'\n", command, mark); err != nil {
		return fmt.Errorf("the shell has gone (it exited?): %w", err)
	}
	return s.waitFor(mark, command, w)
}

// execLast has the shell exec command, which is to be the last it runs,
// and returns once the shell has read the whole line: marker and exec are
// one line, which bash reads entirely before it runs any of it, so nothing
// is left in the pipe for another shell reading it (one the exec'd command
// is nested in) once that command ends.
func (s *session) execLast(command string) error {
	mark := s.mark()
	if _, err := fmt.Fprintf(s.in, "printf '\\n%s\\n'; exec %s\n", mark, command); err != nil {
		return fmt.Errorf("the shell has gone (it exited?): %w", err)
	}
	return s.waitFor(mark, command, io.Discard)
}

func (s *session) mark() string {
	s.n++
	return fmt.Sprintf("__nstool_lab_done_%d_%d__", os.Getpid(), s.n)
}

// waitFor copies the shell's output to w until the line mark.
func (s *session) waitFor(mark, command string, w io.Writer) error {
	limit := StepTimeout()
	timeout := time.After(limit)
	// The marker is printed after a newline, so an output ending in one
	// gives an empty line before the marker: hold empty lines back and drop
	// that one.
	blank := 0
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				return fmt.Errorf("the shell exited while running %q", command)
			}
			switch {
			case line == mark:
				if blank > 0 {
					fmt.Fprint(w, strings.Repeat("\n", blank-1))
				}
				return nil
			case line == "":
				blank++
			default:
				fmt.Fprint(w, strings.Repeat("\n", blank))
				blank = 0
				fmt.Fprintln(w, line)
			}
		case <-timeout:
			return fmt.Errorf("%q did not finish in %s", command, limit)
		}
	}
}

// output runs command and returns what it printed.
func (s *session) output(command string) string {
	var b strings.Builder
	if s.run(command, &b) != nil {
		return ""
	}
	return b.String()
}

func (s *session) close() {
	s.in.Close()
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		// A nested shell still reading, or a command still running: the
		// sandbox ends right after, and takes them with it.
	}
}

// readLines splits r into lines, calling fn for each (without the newline).
func readLines(r io.Reader, fn func(string)) {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			fn(strings.TrimSuffix(line, "\n"))
		}
		if err != nil {
			return
		}
	}
}
