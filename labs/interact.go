package labs

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// CheckReport is the outcome of `nstool lab check`.
type CheckReport struct {
	Step    int // the step checked (0-based)
	Results []Result
	Passed  bool
	Next    string // the next step's text, or the closing words
}

// CheckCurrent checks the sandbox's current step against the kernel and, if
// every check passes, moves on to the next step.
func CheckCurrent(stages Stages) (*CheckReport, *Lab, error) {
	lab, err := LoadSandboxLab()
	if err != nil {
		return nil, nil, err
	}
	st, err := ReadState()
	if err != nil {
		return nil, nil, err
	}
	if st.Step >= len(lab.Steps) {
		return &CheckReport{Step: st.Step, Passed: true, Next: "This lab is complete: `exit` to leave the sandbox.\n"}, lab, nil
	}
	// The actors' PIDs are the sandbox's: a shell with a /proc of its own
	// (unshare --pid --mount-proc) sees other processes under those numbers.
	if _, err := os.Stat("/proc/self"); err != nil {
		// A root of its own (pivot_root, chroot) with nothing on /proc yet.
		return nil, nil, errors.New("this shell sees no /proc (a root of its own?), and the checks read the lab's processes there: mount one on /proc, or check from `nstool lab shell host`")
	}
	if !stages.isInitPID("1") {
		return nil, nil, errors.New("this shell has a /proc of its own (a new PID namespace?), where the lab's processes are not seen: check from the lab's first shell, or from `nstool lab shell host`")
	}
	rep := &CheckReport{Step: st.Step, Results: stages.world(st).Evaluate(lab.Steps[st.Step].Checks)}
	rep.Passed = allOK(rep.Results)
	if !rep.Passed {
		return rep, lab, nil
	}
	_, err = UpdateState(func(s *State) error {
		if s.Step == rep.Step {
			s.Step++
			s.AdvancedBy = learnerShell()
			s.Hints, s.Answer = 0, ""
			s.Done = s.Step >= len(lab.Steps)
		}
		return nil
	})
	if rep.Step+1 < len(lab.Steps) {
		rep.Next = StepText(lab, rep.Step+1, true)
	} else {
		rep.Next = fmt.Sprintf("\n%s `exit` in the host's terminal ends the sandbox; nothing of it stays behind.\n", Complete(lab))
	}
	return rep, lab, err
}

// NextHint returns the next hint of the current step: the first call gives
// the concept, later calls come closer; the last one repeats.
func NextHint() (string, int, int, error) {
	lab, err := LoadSandboxLab()
	if err != nil {
		return "", 0, 0, err
	}
	var n int
	var step *Step
	_, err = UpdateState(func(s *State) error {
		if s.Step >= len(lab.Steps) {
			return errors.New("this lab is complete: nothing left to hint at")
		}
		step = &lab.Steps[s.Step]
		if len(step.Hints) == 0 {
			// Parse refuses such a step: only a lab.json written by hand.
			return fmt.Errorf("step %d/%d has no hints", s.Step+1, len(lab.Steps))
		}
		n = s.Hints
		if n >= len(step.Hints) {
			n = len(step.Hints) - 1
		}
		s.Hints = n + 1
		return nil
	})
	if err != nil {
		return "", 0, 0, err
	}
	return step.Hints[n], n + 1, len(step.Hints), nil
}

// SetAnswer records the learner's answer to the current step's question.
// A step without a question refuses it, saying so, rather than keep an
// answer nothing will read.
func SetAnswer(answer string) error {
	lab, err := LoadSandboxLab()
	if err != nil {
		return err
	}
	// An answer is a number or a word read from the kernel.
	answer = strings.TrimSpace(answer)
	switch {
	case answer == "":
		return errors.New("an empty answer: give what the step asks for (`nstool lab answer NUMBER`)")
	case len(answer) > maxAnswer:
		return fmt.Errorf("an answer of %d bytes: it is a number or a word (at most %d bytes)", len(answer), maxAnswer)
	}
	_, err = UpdateState(func(s *State) error {
		if s.Step >= len(lab.Steps) {
			return errors.New("this lab is complete: nothing left to answer")
		}
		if !asksQuestion(&lab.Steps[s.Step]) {
			return fmt.Errorf("step %d/%d asks no question: there is nothing to answer (`nstool lab check` checks what you did)", s.Step+1, len(lab.Steps))
		}
		s.Answer = answer
		return nil
	})
	return err
}

// maxAnswer bounds an answer: the longest the labs ask for is a link such
// as mnt:[4026532281].
const maxAnswer = 256

// asksQuestion: one of the step's checks reads the learner's answer.
func asksQuestion(step *Step) bool {
	for _, c := range step.Checks {
		if c.Kind == "answer" || strings.HasPrefix(c.Kind, "answer-") {
			return true
		}
	}
	return false
}

// Prompt is the shell prompt: lab, step, and whose mount namespace this is.
func Prompt() string {
	lab, err := LoadSandboxLab()
	st, err2 := ReadState()
	if err != nil || err2 != nil {
		return "[lab]"
	}
	step := fmt.Sprintf("step %d/%d", st.Step+1, len(lab.Steps))
	if st.Step >= len(lab.Steps) {
		step = "done"
	}
	return fmt.Sprintf("[lab %s · %s] %s", lab.Number(), step, whereAmI(st))
}

// EnvSecond marks a shell opened by `lab shell NAME` (a second terminal):
// its prompt tells it when the lab moves on (StepNote).
const EnvSecond = "NSTOOL_LAB_SECOND"

// StepNote is for a second terminal's prompt: last is the step it showed
// at its previous prompt ("" at its first). It returns the step now and,
// if the lab moved on in another terminal since, a line that says where
// it is: a prompt, once drawn, cannot change, so the next one says it.
func StepNote(last string) (note, now string) {
	lab, err := LoadSandboxLab()
	st, err2 := ReadState()
	if err != nil || err2 != nil {
		return "", last
	}
	now = strconv.Itoa(st.Step)
	if last == "" || last == now || st.AdvancedBy == os.Getppid() {
		return "", now
	}
	if st.Step >= len(lab.Steps) {
		return fmt.Sprintf("(%s every step passed)", "Lab "+lab.Number()+" complete:"), now
	}
	return fmt.Sprintf("(the lab is at step %d/%d now: %s)", st.Step+1, len(lab.Steps), lab.Steps[st.Step].Title), now
}

// whereAmI names the caller's mount namespace: an actor's name, or the
// namespace's inode when the learner made it.
func whereAmI(st *State) string {
	mine := nsID(os.Getpid())
	// In an actor's PID namespace, /proc names its processes only: the
	// sandbox's PIDs in the state mean nothing here.
	if name := actorOfPID1(); name != "" {
		if nsID(1) == mine {
			return name
		}
		return "new " + mine
	}
	if mine == st.MountNS {
		return "host" // also where init's link cannot be read
	}
	for name, pid := range st.Actors {
		if nsID(pid) == mine && name == "host" {
			return "host"
		}
	}
	for name, pid := range st.Actors {
		if nsID(pid) == mine {
			return name
		}
	}
	return "new " + mine
}
