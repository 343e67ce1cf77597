package labs

import (
	"fmt"
	"os"
	"strings"
)

// EnvColor tells the sandbox whether the learner's terminal wants colour
// ("1") or not: the host side decides (--color, NO_COLOR, a TTY).
const EnvColor = "NSTOOL_LAB_COLOR"

// colorEnv is EnvColor's setting for a terminal that wants colour or not.
func colorEnv(color bool) string {
	if color {
		return EnvColor + "=1"
	}
	return EnvColor + "=0"
}

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
	return b.String()
}

// SandboxIntro tells the learner, after the banner, where the shell is and
// what to type (not in a demo: nobody types there).
const SandboxIntro = "\nThis shell is the lab's sandbox: its own mount and PID namespaces, work area /lab.\n" +
	"`nstool lab check` checks a step, `nstool lab hint` helps, `exit` leaves (nothing stays behind).\n"

// goingOn says what a sandbox that goes on from step from did: the steps
// before it redone by their reference solutions, up to reached.
func goingOn(lab *Lab, from, reached int) string {
	if reached < from {
		return fmt.Sprintf("\nGoing on: the reference solutions of %s ran, but step %d's checks did not pass after its own; you go on from step %d.\n", stepsUpTo(from), reached+1, reached+1)
	}
	redone := stepsUpTo(from) + " were"
	if from == 1 {
		redone = "step 1 was"
	}
	return fmt.Sprintf("\nGoing on from step %d/%d: the sandbox is new, and %s redone for you by the reference solutions.\n", from+1, len(lab.Steps), redone)
}

// stepsUpTo names steps 1 to n: "step 1", "steps 1-3".
func stepsUpTo(n int) string {
	if n == 1 {
		return "step 1"
	}
	return fmt.Sprintf("steps 1-%d", n)
}

// Complete is the line that ends a lab.
func Complete(lab *Lab) string { return paint("1;32", "Lab "+lab.Number()+" complete.") }

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
