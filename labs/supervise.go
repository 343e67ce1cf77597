package labs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// Supervise is the sandbox's second process (the Supervise stage): it runs
// the lab's setup, tells the host side the sandbox is ready, then runs the
// session: the learner's shell (start, which replaces this process), or
// the reference solution, reported on out (verify, demo). Its end ends the
// sandbox. layout lays out the lab's texts for out (the command's line
// wrapping for its terminal).
func Supervise(stages Stages, mode Mode, noPause bool, out io.Writer, layout func(string) string) error {
	lab, err := LoadSandboxLab()
	if err != nil {
		return err
	}
	if lab.Setup != "" {
		if err := runSetup(lab); err != nil {
			return err
		}
	}
	ready := os.NewFile(3, "ready")
	ready.Write([]byte{1})
	ready.Close()

	switch mode {
	case ModeStart:
		fmt.Fprint(out, layout(Banner(lab)+SandboxIntro))
		env, step := os.Environ(), 0
		if from := fromEnv(); from > 0 {
			reached, pid, err := fastForward(stages, lab, from)
			if err != nil {
				// The lab could not be made ready: a failed setup (exit 1
				// for lab start), not a learner who left it.
				return &SetupError{Lab: lab.ID, Err: fmt.Errorf("redoing the steps before --step's: %w", err)}
			}
			step = reached
			fmt.Fprint(out, layout(goingOn(lab, from, reached)))
			if pid != 0 {
				env = append(env, EnvEnter+"="+strconv.Itoa(pid))
			}
		}
		fmt.Fprint(out, layout(StepText(lab, step, true)))
		shell := SandboxDir + "/bin/labsh"
		err := syscall.Exec(shell, []string{"bash", "-i"}, env)
		return fmt.Errorf("starting the shell: %w", err)
	case ModeVerify, ModeDemo:
		return runScripted(stages, lab, mode, noPause, out, layout)
	}
	return fmt.Errorf("unknown mode %q", mode)
}

// runSetup runs the lab's setup, stopped (it and what it started: its
// process group) when it takes longer than StepTimeout.
func runSetup(lab *Lab) error {
	setup := exec.Command("bash", "-euc", lab.Setup)
	setup.Dir = LabDir
	setup.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var buf bytes.Buffer
	setup.Stdout, setup.Stderr = &buf, &buf
	// The setup is done when its bash exits: a daemon it started in the
	// background (`sleep 1000 &`) keeps the output pipe open, and Wait
	// would wait for that too. What the daemon writes later is not the
	// setup's output.
	setup.WaitDelay = 100 * time.Millisecond
	if err := setup.Start(); err != nil {
		return &SetupError{Lab: lab.ID, Err: err}
	}
	done := make(chan error, 1)
	go func() {
		err := setup.Wait()
		if errors.Is(err, exec.ErrWaitDelay) {
			err = nil // exited 0; only the pipe was still held
		}
		done <- err
	}()
	limit := StepTimeout()
	select {
	case err := <-done:
		if err != nil {
			return &SetupError{Lab: lab.ID, Err: err, Output: buf.String()}
		}
		return nil
	case <-time.After(limit):
		syscall.Kill(-setup.Process.Pid, syscall.SIGKILL)
		<-done
		return &SetupError{Lab: lab.ID, Err: fmt.Errorf("it did not finish in %s and was stopped ($%s sets the limit)", limit, EnvTimeout), Output: buf.String()}
	}
}
