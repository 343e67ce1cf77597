package lab

import (
	"fmt"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
	"github.com/nstool/nstool/nsutil/sysfmt"
)

func newStartCmd(ios *cli.IOStreams) *cobra.Command {
	var step string
	cmd := sandboxCmd(ios, labs.ModeStart, &cobra.Command{
		Use:   "start ID",
		Short: "Open a sandbox shell for a lab",
		Long: `Open a shell in a fresh sandbox for the lab: its own mount and PID
namespaces with a tmpfs work area /lab. The prompt shows the lab, the step and
whose mount namespace the shell is in. Type real commands; ` + "`nstool lab check`" + `
checks the step. ` + "`exit`" + ` leaves; nothing of the sandbox stays behind.

A lab left mid-way can go on from the step reached: on a terminal, start
offers it; --step N goes to step N. The sandbox is new each time: the steps
before are redone by their reference solutions, and the shell opens where
they leave it (in the copy a step's unshare made, say).`,
		Example: "  nstool lab start 04-types\n  nstool lab start 4\n  nstool lab start 04-types --step 3",
	}, func(cmd *cobra.Command, l *labs.Lab, opts *labs.RunOptions) error {
		var given *string
		if cmd.Flags().Changed("step") {
			given = &step
		}
		var err error
		if opts.From, err = startingStep(ios, l, given); err != nil {
			return err
		}
		// The sandbox's shell owns the terminal; Ctrl-C is for it.
		ignoreTerminalSignals()
		return nil
	}, func(l *labs.Lab, out labs.Outcome) error {
		if out.State != nil && out.State.Step > len(l.Steps) {
			out.State = nil // written in the sandbox by hand: no step of the lab
		}
		if out.State != nil {
			prog := labs.LoadProgress()
			p := prog[l.ID]
			if passed := p.Passed(len(l.Steps)); out.State.Done && !p.Done || out.State.Step > passed {
				p.Done = p.Done || out.State.Done
				p.Best = max(passed, out.State.Step)
				prog[l.ID] = p
				if err := prog.Save(); err != nil {
					fmt.Fprintf(ios.ErrOut, "nstool lab: cannot save progress: %v\n", err)
				}
			}
			if out.State.Done {
				fmt.Fprintf(ios.ErrOut, "lab %s done; the sandbox is gone.\n", l.ID)
			} else {
				fmt.Fprintf(ios.ErrOut, "left lab %s at step %d/%d; the sandbox is gone.\n", l.ID, out.State.Step+1, len(l.Steps))
			}
		}
		if out.Code > 128 {
			if out.State != nil && out.State.EndedBy != "" {
				return cli.Exitf(out.Code, "%s ended the lab (nstool lab reset); `nstool lab start %s` starts it again", out.State.EndedBy, l.ID)
			}
			return cli.Exitf(out.Code, "the sandbox was killed by %s; `nstool lab start %s` starts it again", sysfmt.SignalName(syscall.Signal(out.Code-128)), l.ID)
		}
		return nil
	})
	cmd.Flags().StringVar(&step, "step", "", "go to step `N`, the steps before redone by their reference solutions")
	return cmd
}

func ignoreTerminalSignals() {
	signalIgnore(syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTSTP, syscall.SIGTTOU, syscall.SIGTTIN)
}

func newCheckCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Check the current step (inside a lab)",
		Long: `Check the current step against the kernel's state: the lab's actors'
mount tables, namespaces and files. Prints ✓ and the next step, or ✗ with what
it saw and what the step wants. Exit status 0 when the step is done, 1 if not.`,
		Example: "  nstool lab check",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if labs.InOwnUserNS(stages) {
				// Probes of the lab's namespaces need the sandbox's privileges.
				return relayed(ios, labArgv("check"))
			}
			rep, lab, err := labs.CheckCurrent(stages)
			if err != nil {
				return cli.Exitf(1, "%v", err)
			}
			if rep.Results == nil {
				show(ios, rep.Next)
				return nil
			}
			step := lab.Steps[rep.Step]
			if rep.Passed {
				show(ios, fmt.Sprintf("%s step %d/%d: %s\n", green(ios, "✓"), rep.Step+1, len(lab.Steps), step.Title))
				show(ios, rep.Next)
				return nil
			}
			show(ios, fmt.Sprintf("%s step %d/%d: %s: not yet\n", red(ios, "✗"), rep.Step+1, len(lab.Steps), step.Title))
			for _, r := range rep.Results {
				if r.OK {
					show(ios, fmt.Sprintf("  %s %s\n", green(ios, "✓"), r.Check.Line))
				} else {
					show(ios, fmt.Sprintf("  %s %s\n", red(ios, "✗"), r.Check.Line))
					show(ios, "      "+r.Saw+"\n")
					if r.Check.Why != "" {
						show(ios, "      why: "+r.Check.Why+"\n")
					}
				}
			}
			show(ios, "  (`nstool lab hint` for a hint)\n")
			return cli.Exit(1)
		},
	}
}

func newHintCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:     "hint",
		Short:   "A hint for the current step; ask again for a closer one",
		Example: "  nstool lab hint",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			hint, n, total, err := labs.NextHint()
			if err != nil {
				return cli.Exitf(1, "%v", err)
			}
			show(ios, fmt.Sprintf("hint %d/%d: %s\n", n, total, hint))
			return nil
		},
	}
}

func newAnswerCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:     "answer VALUE",
		Short:   "Answer the current step's question, then check it",
		Example: "  nstool lab answer 42        # e.g. the peer group of a mount\n  nstool lab check",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := labs.SetAnswer(args[0]); err != nil {
				return cli.Exitf(1, "%v", err)
			}
			fmt.Fprintf(ios.Out, "answer recorded: %s (now `nstool lab check`)\n", args[0])
			return nil
		},
	}
}

// show writes text laid out for the terminal (cli.Wrap): prose refilled at
// its width, command lines whole; on a pipe, as it is.
func show(ios *cli.IOStreams, text string) {
	fmt.Fprint(ios.Out, cli.Wrap(text, ios.TerminalWidth()))
}

func green(ios *cli.IOStreams, s string) string { return paint(ios, "32", s) }

func red(ios *cli.IOStreams, s string) string { return paint(ios, "31", s) }

func paint(ios *cli.IOStreams, code, s string) string {
	if !ios.ColorEnabled() {
		return s
	}
	return "\033[1;" + code + "m" + s + "\033[0m"
}
