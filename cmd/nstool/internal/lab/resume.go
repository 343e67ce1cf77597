package lab

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

// startingStep is where `lab start` begins (0-based): --step N if given;
// for a lab left mid-way, the step reached if the learner, asked on a
// terminal, wants to go on; else the first.
func startingStep(ios *cli.IOStreams, l *labs.Lab, step *string) (int, error) {
	if step != nil {
		// Any text that is no step of the lab, "0" and "" included, is
		// refused in one line (not the first step, not strconv's words).
		n, err := strconv.Atoi(*step)
		if err != nil || n < 1 || n > len(l.Steps) {
			return 0, cli.Exitf(1, "--step '%s': lab %s has steps 1 to %d", *step, l.ID, len(l.Steps))
		}
		return n - 1, nil
	}
	p := labs.LoadProgress()[l.ID]
	passed := p.Passed(len(l.Steps))
	if p.Done || passed == 0 || passed >= len(l.Steps) || !ios.IsStdinTTY() {
		return 0, nil
	}
	q := fmt.Sprintf("You left %s at step %d/%d. Go on from there (the steps before are redone for you)? [Y/n]", l.ID, passed+1, len(l.Steps))
	fmt.Fprint(ios.ErrOut, cli.Wrap(q, ios.StderrWidth())+" ")
	if line := readLine(ios.In); line == "" || line[0] == 'y' || line[0] == 'Y' {
		return passed, nil
	}
	return 0, nil
}

// readLine reads one line a byte at a time: what follows it on the terminal
// is the sandbox shell's to read.
func readLine(r io.Reader) string {
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 0 || err != nil || b[0] == '\n' {
			return strings.TrimSpace(string(line))
		}
		line = append(line, b[0])
	}
}
