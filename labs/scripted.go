package labs

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Commands splits a solution into the commands a person would type: one per
// line, a trailing backslash joins the next line, blank lines and comment
// lines are skipped.
func Commands(solution string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(solution, "\n") {
		if cur.Len() == 0 && (strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#")) {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(line + "\n")
			continue
		}
		cur.WriteString(line)
		out = append(out, cur.String())
		cur.Reset()
	}
	if cur.Len() > 0 {
		out = append(out, strings.TrimSuffix(cur.String(), "\\\n"))
	}
	return out
}

// runScripted types the reference solution into one bash, as a learner
// would type it into the sandbox's shell (a command like `unshare -m` starts
// a shell that reads the following lines, as in a terminal), and checks each
// step after its last command.
func runScripted(stages Stages, lab *Lab, mode Mode, noPause bool, out io.Writer, layout func(string) string) error {
	demo := mode == ModeDemo
	sess, err := newSession(demo && os.Getenv(EnvColor) == "1")
	if err != nil {
		return &ScriptError{err}
	}
	defer sess.close()
	if demo {
		fmt.Fprint(out, layout(Banner(lab)))
	}
	for i, step := range lab.Steps {
		start := time.Now()
		if demo {
			fmt.Fprint(out, layout(StepText(lab, i, true)))
		}
		var transcript bytes.Buffer
		if !demo && passes(stages, step) {
			fmt.Fprintf(out, "✗ %s step %d/%d (%s): its checks pass before its solution ran: they prove nothing\n", lab.ID, i+1, len(lab.Steps), step.Title)
			return ErrStepFailed
		}
		for _, c := range Commands(step.Solution) {
			if demo {
				fmt.Fprintf(out, "%s # %s\n", paint("1;36", fmt.Sprintf("[lab %s · step %d/%d]", lab.Number(), i+1, len(lab.Steps))), c)
				if err := sess.run(c, out); err != nil {
					return &ScriptError{err}
				}
				continue
			}
			fmt.Fprintf(&transcript, "# %s\n", c)
			if err := sess.run(c, &transcript); err != nil {
				fmt.Fprintf(out, "✗ %s step %d (%s): %v\n%s", lab.ID, i+1, step.Title, err, indent(transcript.String(), "    "))
				return ErrStepFailed
			}
		}
		st, _ := UpdateState(func(s *State) error { s.Step = i; return nil })
		results := stages.world(st).Evaluate(step.Checks)
		if !allOK(results) {
			fmt.Fprintf(out, "✗ %s step %d/%d (%s)\n", lab.ID, i+1, len(lab.Steps), step.Title)
			for _, r := range results {
				if !r.OK {
					fmt.Fprint(out, layout("    "+r.Message()+"\n"))
				}
			}
			if !demo {
				fmt.Fprintf(out, "  the solution typed:\n%s", indent(transcript.String(), "    "))
			}
			return ErrStepFailed
		}
		if demo {
			if !strings.Contains(step.Solution, "findmnt") {
				// The room sees what the step made: the tree, as the
				// shell the solution ended in sees it.
				fmt.Fprintf(out, "%s # %s\n", paint("1;36", fmt.Sprintf("[lab %s · step %d/%d]", lab.Number(), i+1, len(lab.Steps))), demoTree)
				if err := sess.run(demoTree, out); err != nil {
					return &ScriptError{err}
				}
			}
			fmt.Fprintln(out, paint("1;32", fmt.Sprintf("✓ step %d/%d: %s", i+1, len(lab.Steps), step.Title)))
			if !noPause && i+1 < len(lab.Steps) {
				pause(out)
			}
		} else {
			fmt.Fprintf(out, "✓ %s step %d/%d (%s) %d %s, %s\n", lab.ID, i+1, len(lab.Steps), step.Title,
				len(results), plural(len(results), "check", "checks"), time.Since(start).Round(time.Millisecond))
		}
		UpdateState(func(s *State) error { s.Step, s.Answer, s.Hints = i+1, "", 0; return nil })
	}
	UpdateState(func(s *State) error { s.Done = true; return nil })
	if demo {
		fmt.Fprintf(out, "\n%s Every step ran and passed its checks on this kernel.\n", Complete(lab))
	}
	return nil
}

// demoTree shows the lab's work area after a demo step whose solution
// shows none.
const demoTree = "nstool findmnt -R -o TARGET,SOURCE,FSTYPE,PROPAGATION /lab"

// passes reports whether every check of step holds now.
func passes(stages Stages, step Step) bool {
	st, err := ReadState()
	if err != nil {
		return false
	}
	return allOK(stages.world(st).Evaluate(step.Checks))
}

// pause waits for Enter on the terminal.
func pause(out io.Writer) {
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return
	}
	defer tty.Close()
	fmt.Fprint(out, paint("2", "(Enter for the next step)"))
	b := make([]byte, 1)
	for {
		if n, err := tty.Read(b); n == 0 || err != nil || b[0] == '\n' {
			break
		}
	}
}
