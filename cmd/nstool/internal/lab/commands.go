package lab

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

func loadLab(id string) (*labs.Lab, error) {
	all, err := labs.All()
	if err != nil {
		return nil, cli.Exitf(1, "%v", err)
	}
	l, err := labs.Find(all, id)
	if err != nil {
		return nil, cli.Exitf(1, "%v", err)
	}
	return l, nil
}

// labIDs completes lab IDs.
func labIDs(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	all, _ := labs.All()
	var ids []string
	for _, l := range all {
		ids = append(ids, l.ID+"\t"+l.Title)
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}

func outsideOnly(verb string) error {
	if labs.InSandbox() {
		return cli.Exitf(1, "already inside a lab sandbox: `exit` first, then `nstool lab %s`", verb)
	}
	return nil
}

func newListCmd(ios *cli.IOStreams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the labs, with what you have done",
		Example: `  nstool lab list
  nstool lab list --json | jq -r '.[] | select(.done | not) | .id'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			all, err := labs.All()
			if err != nil {
				return cli.Exitf(1, "%v", err)
			}
			prog := labs.LoadProgress()
			type row struct {
				ID      string `json:"id"`
				Title   string `json:"title"`
				Minutes int    `json:"minutes"`
				Steps   int    `json:"steps"`
				Done    bool   `json:"done"`
			}
			rows := []row{}
			for _, l := range all {
				rows = append(rows, row{l.ID, l.Title, l.Minutes, len(l.Steps), prog[l.ID].Done})
			}
			if asJSON {
				enc := json.NewEncoder(ios.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			for _, r := range rows {
				mark := " "
				if r.Done {
					mark = "✓"
				} else if p := prog[r.ID].Best; p > 0 {
					mark = "…"
				}
				fmt.Fprintf(ios.Out, "%s %-14s %3d min  %s\n", mark, r.ID, r.Minutes, r.Title)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: [{\"id\", \"title\", \"minutes\", \"steps\", \"done\"}]")
	return cmd
}

func newShowCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:               "show ID",
		Short:             "Print a lab's narrative and its steps",
		Example:           "  nstool lab show 04-types | less",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: labIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := loadLab(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(ios.Out, strings.TrimSpace(l.README))
			fmt.Fprintf(ios.Out, "\n## Steps\n\n")
			for i, s := range l.Steps {
				fmt.Fprintf(ios.Out, "%d. %s\n", i+1, s.Title)
			}
			fmt.Fprintf(ios.Out, "\nStart it with `nstool lab start %s`.\n", l.ID)
			return nil
		},
	}
}

func newStartCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "start ID",
		Short: "Open a sandbox shell for a lab",
		Long: `Open a shell in a fresh sandbox for the lab: its own mount and PID
namespaces with a tmpfs work area /lab. The prompt shows the lab, the step and
whose mount namespace the shell is in. Type real commands; ` + "`nstool lab check`" + `
checks the step. ` + "`exit`" + ` leaves; nothing of the sandbox stays behind.`,
		Example:           "  nstool lab start 04-types\n  nstool lab start 4",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: labIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := outsideOnly("start"); err != nil {
				return err
			}
			l, err := loadLab(args[0])
			if err != nil {
				return err
			}
			// The sandbox's shell owns the terminal; Ctrl-C is for it.
			ignoreTerminalSignals()
			out, err := labs.Run(labs.RunOptions{Lab: l, Mode: labs.ModeStart, Color: ios.ColorEnabled(), Stdin: ios.In, Stdout: ios.Out, Stderr: ios.ErrOut})
			if err != nil {
				return cli.Exitf(1, "%v", err)
			}
			if out.State != nil {
				prog := labs.LoadProgress()
				p := prog[l.ID]
				p.Done = p.Done || out.State.Done
				if out.State.Step > p.Best {
					p.Best = out.State.Step
				}
				prog[l.ID] = p
				if err := prog.Save(); err != nil {
					fmt.Fprintf(ios.ErrOut, "nstool lab: cannot save progress: %v\n", err)
				}
				if out.State.Done {
					fmt.Fprintf(ios.ErrOut, "lab %s done; the sandbox is gone.\n", l.ID)
				} else {
					fmt.Fprintf(ios.ErrOut, "left lab %s at step %d/%d; the sandbox is gone.\n", l.ID, out.State.Step+1, len(l.Steps))
				}
			}
			return nil
		},
	}
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
			rep, lab, err := labs.CheckCurrent()
			if err != nil {
				return cli.Exitf(1, "%v", err)
			}
			if rep.Results == nil {
				fmt.Fprint(ios.Out, rep.Next)
				return nil
			}
			step := lab.Steps[rep.Step]
			if rep.Passed {
				fmt.Fprintf(ios.Out, "%s step %d/%d: %s\n", green(ios, "✓"), rep.Step+1, len(lab.Steps), step.Title)
				fmt.Fprint(ios.Out, rep.Next)
				return nil
			}
			fmt.Fprintf(ios.Out, "%s step %d/%d: %s: not yet\n", red(ios, "✗"), rep.Step+1, len(lab.Steps), step.Title)
			for _, r := range rep.Results {
				if r.OK {
					fmt.Fprintf(ios.Out, "  %s %s\n", green(ios, "✓"), r.Check.Line)
				} else {
					fmt.Fprintf(ios.Out, "  %s %s\n      %s\n", red(ios, "✗"), r.Check.Line, r.Saw)
					if r.Check.Why != "" {
						fmt.Fprintf(ios.Out, "      why: %s\n", r.Check.Why)
					}
				}
			}
			fmt.Fprintln(ios.Out, "  (`nstool lab hint` for a hint)")
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
			fmt.Fprintf(ios.Out, "hint %d/%d: %s\n", n, total, hint)
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

func newShellCmd(ios *cli.IOStreams) *cobra.Command {
	var labID string
	cmd := &cobra.Command{
		Use:   "shell NAME [-- COMMAND [ARG...]]",
		Short: "A shell in one of the lab's actors (host, container-a, ...)",
		Long: `Open a shell in the mount namespace of one of the running lab's actors:
"host" is the sandbox's own namespace, others are started by the lab's setup.
From a second terminal on the host, it first enters the sandbox.`,
		Example: `  nstool lab shell host
  nstool lab shell container-a
  nstool lab shell container-a -- findmnt -R /lab`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, argv := args[0], args[1:]
			if len(argv) > 0 && argv[0] == "--" {
				argv = argv[1:]
			}
			if labs.InSandbox() {
				if err := labs.EnterActor(name, argv); err != nil {
					return cli.Exitf(1, "%v", err)
				}
				return nil
			}
			sbs := labs.FindSandboxes()
			var pick []labs.Sandbox
			for _, sb := range sbs {
				if labID == "" || strings.Contains(sb.Lab, labID) {
					pick = append(pick, sb)
				}
			}
			switch {
			case len(pick) == 0 && labID != "":
				return cli.Exitf(1, "no lab %s is running: start it with `nstool lab start %s`", labID, labID)
			case len(pick) == 0:
				return cli.Exitf(1, "no lab is running: start one with `nstool lab start ID`")
			case len(pick) > 1:
				var ids []string
				for _, sb := range pick {
					ids = append(ids, sb.Lab)
				}
				return cli.Exitf(1, "%d labs are running (%s): choose one with --lab ID", len(pick), strings.Join(ids, ", "))
			}
			ignoreTerminalSignals()
			code, err := labs.EnterSandbox(pick[0].InitPID, name, argv, fileOr(ios.In, os.Stdin), fileOr(ios.Out, os.Stdout), fileOr(ios.ErrOut, os.Stderr))
			if err != nil {
				return cli.Exitf(1, "%v", err)
			}
			return cli.Exit(code)
		},
	}
	cmd.Flags().StringVar(&labID, "lab", "", "the lab to enter when several are running")
	cmd.Flags().SetInterspersed(false)
	return cmd
}

func fileOr(v any, def *os.File) *os.File {
	if f, ok := v.(*os.File); ok {
		return f
	}
	return def
}

func newResetCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "reset [ID]",
		Short: "Forget a lab's progress and end its running sandbox",
		Long: `Forget your progress in the lab (all labs without ID) and end its running
sandbox, if any: every process, mount and namespace of it goes.`,
		Example:           "  nstool lab reset 04-types\n  nstool lab reset",
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: labIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := outsideOnly("reset"); err != nil {
				return err
			}
			id := ""
			if len(args) == 1 {
				l, err := loadLab(args[0])
				if err != nil {
					return err
				}
				id = l.ID
			}
			for _, sb := range labs.FindSandboxes() {
				if id == "" || sb.Lab == id {
					// SIGKILL to a PID namespace's init kills every process in
					// it; the namespaces and mounts go with the last one.
					if err := syscall.Kill(sb.InitPID, syscall.SIGKILL); err == nil {
						fmt.Fprintf(ios.Out, "ended the running sandbox of %s\n", sb.Lab)
					}
				}
			}
			prog := labs.LoadProgress()
			if id == "" {
				prog = labs.Progress{}
			} else {
				delete(prog, id)
			}
			if err := prog.Save(); err != nil {
				return cli.Exitf(1, "saving progress: %v", err)
			}
			if id == "" {
				fmt.Fprintln(ios.Out, "progress of every lab forgotten")
			} else {
				fmt.Fprintf(ios.Out, "progress of %s forgotten\n", id)
			}
			return nil
		},
	}
}

func newVerifyCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "verify [ID...]",
		Short: "Run labs' reference solutions in fresh sandboxes and check every step",
		Long: `Run each lab's reference solution in a fresh sandbox, as a learner would type
it, and check every step. Without ID, every lab. Exit status 0 only if every
step of every lab passed.`,
		Example:           "  nstool lab verify\n  nstool lab verify 04-types 05-slave",
		ValidArgsFunction: labIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := outsideOnly("verify"); err != nil {
				return err
			}
			all, err := labs.All()
			if err != nil {
				return cli.Exitf(1, "%v", err)
			}
			sel := all
			if len(args) > 0 {
				sel = nil
				for _, a := range args {
					l, err := labs.Find(all, a)
					if err != nil {
						return cli.Exitf(1, "%v", err)
					}
					sel = append(sel, l)
				}
			}
			failed := 0
			for _, l := range sel {
				start := time.Now()
				out, err := labs.Run(labs.RunOptions{Lab: l, Mode: labs.ModeVerify, Stdin: nil, Stdout: ios.Out, Stderr: ios.ErrOut})
				took := time.Since(start).Round(10 * time.Millisecond)
				switch {
				case err != nil:
					fmt.Fprintf(ios.ErrOut, "nstool lab verify: %v\n", err)
					failed++
				case out.Code != 0:
					fmt.Fprintf(ios.Out, "FAIL %s (%s)\n", l.ID, took)
					failed++
				default:
					fmt.Fprintf(ios.Out, "ok   %s (%d steps, %s)\n", l.ID, len(l.Steps), took)
				}
			}
			if failed > 0 {
				return cli.Exitf(1, "%d of %d labs failed", failed, len(sel))
			}
			return nil
		},
	}
}

func newDemoCmd(ios *cli.IOStreams) *cobra.Command {
	var noPause bool
	cmd := &cobra.Command{
		Use:   "demo ID",
		Short: "Show and run each step of a lab, for a projector",
		Long: `Show each step of the lab and run its reference solution in a fresh sandbox,
command by command, checking the step after it; waits for Enter between steps
unless --no-pause.`,
		Example:           "  nstool lab demo 04-types\n  nstool lab demo 04-types --no-pause",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: labIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := outsideOnly("demo"); err != nil {
				return err
			}
			l, err := loadLab(args[0])
			if err != nil {
				return err
			}
			out, err := labs.Run(labs.RunOptions{Lab: l, Mode: labs.ModeDemo, NoPause: noPause, Color: ios.ColorEnabled(), Stdin: ios.In, Stdout: ios.Out, Stderr: ios.ErrOut})
			if err != nil {
				return cli.Exitf(1, "%v", err)
			}
			return cli.Exit(out.Code)
		},
	}
	cmd.Flags().BoolVar(&noPause, "no-pause", false, "run every step without waiting for Enter")
	return cmd
}

func newActorCmd(ios *cli.IOStreams) *cobra.Command {
	var propagation string
	var userns bool
	cmd := &cobra.Command{
		Use:   "actor NAME",
		Short: "Start a named actor (for a lab's setup)",
		Long: `Start a named actor inside the lab sandbox: a long-lived process in a new
mount namespace copied from the caller's, whose mounts get the given
propagation, as a container runtime does (unshare(1) --propagation). Checks
and ` + "`nstool lab shell NAME`" + ` refer to it by name. It lives until the sandbox ends.`,
		Example: `  nstool lab actor container-a --propagation slave
  nstool lab actor rootless-c --user --propagation unchanged`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := labs.StartActor(args[0], propagation, userns); err != nil {
				return cli.Exitf(1, "%v", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&propagation, "propagation", "private", "private, slave, shared or unchanged")
	cmd.Flags().BoolVar(&userns, "user", false, "also a new user namespace (its copies of the mounts are locked)")
	return cmd
}

func green(ios *cli.IOStreams, s string) string { return paint(ios, "32", s) }
func red(ios *cli.IOStreams, s string) string   { return paint(ios, "31", s) }

func paint(ios *cli.IOStreams, code, s string) string {
	if !ios.ColorEnabled() {
		return s
	}
	return "\033[1;" + code + "m" + s + "\033[0m"
}

var _ io.Reader
