package lab

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

func newVerifyCmd(ios *cli.IOStreams) *cobra.Command {
	return outsideCmd(&cobra.Command{
		Use:   "verify [ID...]",
		Short: "Run labs' reference solutions in fresh sandboxes and check every step",
		Long: `Run each lab's reference solution in a fresh sandbox, as a learner would type
it, and check every step. Without ID, every lab. Exit status 0 only if every
step of every lab passed.`,
		Example: "  nstool lab verify\n  nstool lab verify 04-types 05-slave",
		RunE: func(cmd *cobra.Command, args []string) error {
			sel, err := findLabs(ios, args)
			if err != nil {
				return err
			}
			failed := 0
			for _, l := range sel {
				start := time.Now()
				// No terminal: a verify run reads nothing and shows no colour.
				opts := runOptions(ios, l, labs.ModeVerify)
				opts.Stdin, opts.Color = nil, false
				out, err := labs.Run(opts)
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
	})
}

func newDemoCmd(ios *cli.IOStreams) *cobra.Command {
	var noPause bool
	cmd := sandboxCmd(ios, labs.ModeDemo, &cobra.Command{
		Use:   "demo ID",
		Short: "Show and run each step of a lab, for a projector",
		Long: `Show each step of the lab and run its reference solution in a fresh sandbox,
command by command, checking the step after it; waits for Enter between steps
unless --no-pause.`,
		Example: "  nstool lab demo 04-types\n  nstool lab demo 04-types --no-pause",
	}, func(cmd *cobra.Command, l *labs.Lab, opts *labs.RunOptions) error {
		opts.NoPause = noPause
		return nil
	}, func(l *labs.Lab, out labs.Outcome) error {
		if out.Code != 0 && out.Code <= 128 {
			// The run said on the projector (stdout) which step and why;
			// a script reading stderr learns that the demo failed.
			return cli.Exitf(out.Code, "the demo of lab %s failed", l.ID)
		}
		return cli.Exit(out.Code)
	})
	cmd.Flags().BoolVar(&noPause, "no-pause", false, "run every step without waiting for Enter")
	return cmd
}
