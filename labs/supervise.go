package labs

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Supervise is the sandbox's second process (`nstool lab __supervise MODE`):
// it runs the lab's setup, tells the host side the sandbox is ready, then
// runs the session. Its exit ends the sandbox.
func Supervise(mode Mode, noPause bool, out, errOut io.Writer) int {
	lab, err := LoadSandboxLab()
	if err != nil {
		fmt.Fprintf(errOut, "nstool lab: %v\n", err)
		return 1
	}
	if lab.Setup != "" {
		setup := exec.Command("bash", "-euc", lab.Setup)
		setup.Dir = LabDir
		var buf bytes.Buffer
		setup.Stdout, setup.Stderr = &buf, &buf
		if err := setup.Run(); err != nil {
			fmt.Fprintf(errOut, "nstool lab: the setup of lab %s failed: %v\n%s", lab.ID, err, buf.String())
			return exitSetupFailed
		}
	}
	ready := os.NewFile(3, "ready")
	ready.Write([]byte{1})
	ready.Close()

	switch mode {
	case ModeStart:
		fmt.Fprint(out, Banner(lab))
		fmt.Fprint(out, StepText(lab, 0, true))
		shell := SandboxDir + "/bin/labsh"
		err := syscall.Exec(shell, []string{"bash", "-i"}, os.Environ())
		fmt.Fprintf(errOut, "nstool lab: starting the shell: %v\n", err)
		return 1
	case ModeVerify, ModeDemo:
		return runScripted(lab, mode, noPause, out)
	}
	fmt.Fprintf(errOut, "nstool lab: unknown mode %q\n", mode)
	return 1
}

// EnvColor tells the sandbox whether the learner's terminal wants colour
// ("1") or not: the host side decides (--color, NO_COLOR, a TTY).
const EnvColor = "NSTOOL_LAB_COLOR"

// paint wraps s in an SGR colour code when colour is on.
func paint(code, s string) string {
	if os.Getenv(EnvColor) != "1" {
		return s
	}
	return "\033[" + code + "m" + s + "\033[0m"
}

// Banner is the lab's heading and intro.
func Banner(lab *Lab) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s  (about %d minutes, %d steps)\n", paint("1", fmt.Sprintf("Lab %s · %s", lab.Number(), lab.Title)), lab.Minutes, len(lab.Steps))
	if lab.Intro != "" {
		fmt.Fprintf(&b, "\n%s\n", lab.Intro)
	}
	fmt.Fprintf(&b, "\nThis shell is the lab's sandbox: its own mount and PID namespaces, work area /lab.\n"+
		"`nstool lab check` checks a step, `nstool lab hint` helps, `exit` leaves (nothing stays behind).\n")
	return b.String()
}

// StepText is a step's heading and text as the learner sees it.
func StepText(lab *Lab, i int, bold bool) string {
	if i >= len(lab.Steps) {
		return ""
	}
	s := lab.Steps[i]
	head := fmt.Sprintf("Step %d/%d · %s", i+1, len(lab.Steps), s.Title)
	if bold {
		head = paint("1;33", head)
	}
	return fmt.Sprintf("\n%s\n\n%s\n\n", head, indent(s.Text, "  "))
}

func indent(s, pre string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pre + l
		}
	}
	return strings.Join(lines, "\n")
}

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
func runScripted(lab *Lab, mode Mode, noPause bool, out io.Writer) int {
	sess, err := newSession()
	if err != nil {
		fmt.Fprintf(out, "nstool lab: %v\n", err)
		return 1
	}
	defer sess.close()
	demo := mode == ModeDemo
	if demo {
		fmt.Fprint(out, Banner(lab))
	}
	for i, step := range lab.Steps {
		start := time.Now()
		if demo {
			fmt.Fprint(out, StepText(lab, i, true))
		}
		var transcript bytes.Buffer
		if !demo && passes(step) {
			fmt.Fprintf(out, "✗ %s step %d/%d (%s): its checks pass before its solution ran: they prove nothing\n", lab.ID, i+1, len(lab.Steps), step.Title)
			return 1
		}
		for _, c := range Commands(step.Solution) {
			if demo {
				fmt.Fprintf(out, "%s # %s\n", paint("1;36", fmt.Sprintf("[lab %s · step %d/%d]", lab.Number(), i+1, len(lab.Steps))), c)
				if err := sess.run(c, out); err != nil {
					fmt.Fprintf(out, "nstool lab: %v\n", err)
					return 1
				}
				continue
			}
			fmt.Fprintf(&transcript, "# %s\n", c)
			if err := sess.run(c, &transcript); err != nil {
				fmt.Fprintf(out, "✗ %s step %d (%s): %v\n%s", lab.ID, i+1, step.Title, err, indent(transcript.String(), "    "))
				return 1
			}
		}
		st, _ := UpdateState(func(s *State) error { s.Step = i; return nil })
		w := &World{Actors: st.Actors, Answer: st.Answer, Locked: ProbeLocked, Unbindable: ProbeUnbindable}
		results := w.Evaluate(step.Checks)
		failed := false
		for _, r := range results {
			if !r.OK {
				failed = true
			}
		}
		if failed {
			fmt.Fprintf(out, "✗ %s step %d/%d (%s)\n", lab.ID, i+1, len(lab.Steps), step.Title)
			for _, r := range results {
				if !r.OK {
					fmt.Fprintf(out, "    %s\n", r.Message())
				}
			}
			if !demo {
				fmt.Fprintf(out, "  the solution typed:\n%s", indent(transcript.String(), "    "))
			}
			return 1
		}
		if demo {
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
	return 0
}

// passes reports whether every check of step holds now.
func passes(step Step) bool {
	st, err := ReadState()
	if err != nil {
		return false
	}
	w := &World{Actors: st.Actors, Answer: st.Answer, Locked: ProbeLocked, Unbindable: ProbeUnbindable}
	for _, r := range w.Evaluate(step.Checks) {
		if !r.OK {
			return false
		}
	}
	return true
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
