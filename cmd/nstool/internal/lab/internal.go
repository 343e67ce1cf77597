package lab

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

func signalIgnore(sigs ...os.Signal) { signal.Ignore(sigs...) }

// internalCmds are the engine's own stages, run by nstool itself (the
// command lines are built in stages.go): hidden. Each calls into the
// engine, and prints what it returns.
func internalCmds(ios *cli.IOStreams) []*cobra.Command {
	initCmd := sessionCmd(verbInit, func(mode labs.Mode, noPause bool) error {
		signalIgnore(sigsTerminal()...)
		code, err := labs.Init(stages, mode, noPause, stdio(ios))
		if err != nil {
			return say(ios.ErrOut, 1, fmt.Errorf("sandbox: %w", err))
		}
		return cli.Exit(code)
	})
	supCmd := sessionCmd(verbSupervise, func(mode labs.Mode, noPause bool) error {
		layout := func(text string) string { return cli.Wrap(text, ios.TerminalWidth()) }
		return superviseExit(ios, labs.Supervise(stages, mode, noPause, ios.Out, layout))
	})
	runCmd := sessionCmd(verbRun, func(mode labs.Mode, noPause bool) error {
		out, err := labs.RunForParent(labs.RunOptions{Mode: mode, NoPause: noPause, Stdin: ios.In, Stdout: ios.Out, Stderr: ios.ErrOut, Stages: stages})
		if err != nil {
			return say(ios.ErrOut, max(out.Code, 1), err)
		}
		return cli.Exit(out.Code)
	})
	actorCmd := newActorStageCmd()
	probeCmd := pidStageCmd(verbProbe+" umount|bind PID PATH", 3, 1, func(pid int, args []string) error {
		refused, err := labs.ProbeMain(args[0], pid, args[2])
		switch {
		case err != nil:
			// Read by the check that ran the probe: the error alone.
			fmt.Fprintln(ios.ErrOut, err)
			return cli.Exit(1)
		case refused:
			return cli.Exit(labs.ProbeRefusedStatus)
		}
		return nil
	})
	promptCmd := &cobra.Command{
		Use: verbPrompt + " [--after STEP]", Hidden: true, Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if after, _ := cmd.Flags().GetBool("after"); after {
				last := ""
				if len(args) == 1 {
					last = args[0]
				}
				note, now := labs.StepNote(last)
				if note != "" {
					fmt.Fprintln(ios.ErrOut, note)
				}
				fmt.Fprint(ios.Out, now)
				return nil
			}
			fmt.Fprint(ios.Out, labs.Prompt())
			return nil
		},
	}
	promptCmd.Flags().Bool("after", false, "")
	enterCmd := pidStageCmd(verbEnter+" PID", 1, 0, func(pid int, args []string) error {
		return cli.Exitf(1, "%v", labs.EnterNamespaceOf(stages, pid))
	})
	return []*cobra.Command{runCmd, initCmd, supCmd, actorCmd, probeCmd, promptCmd, enterCmd}
}

// stagePID reads the PID a stage's command line names (stages.go builds
// them: a bad one is nstool's own mistake).
func stagePID(arg string) (int, error) {
	pid, err := strconv.Atoi(arg)
	if err != nil {
		return 0, cli.Exitf(1, "bad pid %q", arg)
	}
	return pid, nil
}

// sessionCmd is a hidden verb `VERB MODE [--no-pause]` (see session in
// stages.go).
func sessionCmd(verb string, run func(mode labs.Mode, noPause bool) error) *cobra.Command {
	var noPause bool
	cmd := &cobra.Command{
		Use: verb + " MODE", Hidden: true, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return run(labs.Mode(args[0]), noPause) },
	}
	cmd.Flags().BoolVar(&noPause, flagNoPause, false, "")
	return cmd
}

// superviseExit prints what Supervise returned where it belongs and gives
// the sandbox its exit status.
func superviseExit(ios *cli.IOStreams, err error) error {
	var setup *labs.SetupError
	var script *labs.ScriptError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, labs.ErrStepFailed):
		return cli.Exit(1) // the run has said which step and why
	case errors.As(err, &setup):
		// Its message ends with the setup's own output, as it came.
		fmt.Fprintf(ios.ErrOut, "nstool lab: %v", err)
		return cli.Exit(labs.SetupFailedStatus)
	case errors.As(err, &script):
		return say(ios.Out, 1, err) // with the run's report
	}
	return say(ios.ErrOut, 1, err)
}

// say prints err as a stage does, "nstool lab: ERR", and ends with code.
func say(w io.Writer, code int, err error) error {
	msg := err.Error()
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	fmt.Fprint(w, "nstool lab: "+msg)
	return cli.Exit(code)
}

// stdio is the terminal a stage hands on to the processes it starts.
func stdio(ios *cli.IOStreams) [3]*os.File {
	return [3]*os.File{fileOr(ios.In, os.Stdin), fileOr(ios.Out, os.Stdout), fileOr(ios.ErrOut, os.Stderr)}
}
