package lab

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

func newResetCmd(ios *cli.IOStreams) *cobra.Command {
	var all bool
	cmd := outsideCmd(&cobra.Command{
		Use:   "reset [ID]",
		Short: "Forget a lab's progress and end its running sandbox",
		Long: `Forget your progress in the lab (all labs without ID) and end your running
sandbox of it, if any: every process, mount and namespace of it goes.

Only your own sandboxes end. --all ends every user's (root only: the
instructor of a class server), after a confirmation on a terminal; each
learner's terminal then says who ended the lab.`,
		Example: "  nstool lab reset 04-types\n  nstool lab reset\n  nstool lab reset --all 04-types",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if all && os.Geteuid() != 0 {
				// Only root may end other users' processes: say so
				// rather than end one's own and seem to have done it.
				return cli.Exitf(1, "--all ends every user's sandboxes: root only")
			}
			id := ""
			if len(args) == 1 {
				l, err := loadLab(ios, args[0])
				if err != nil {
					return err
				}
				id = l.ID
			}
			var mine, others []labs.Sandbox
			for _, sb := range labs.FindSandboxes(stages) {
				switch {
				case id != "" && sb.Lab != id:
				case sb.StartedBy == os.Getuid():
					mine = append(mine, sb)
				default:
					others = append(others, sb)
				}
			}
			end := mine
			if all {
				if len(others) > 0 && ios.IsStdinTTY() {
					fmt.Fprintf(ios.ErrOut, "end %d %s of other users (%s)? [y/N] ", len(others),
						cli.Plural(len(others), "sandbox", "sandboxes"), owners(others))
					if !confirmed(ios.In) {
						return cli.Exitf(1, "nothing ended, nothing forgotten")
					}
				}
				end = append(end, others...)
			} else if id == "" && ios.IsStdinTTY() {
				fmt.Fprint(ios.ErrOut, "forget your progress in every lab and end your running sandboxes? [y/N] ")
				if !confirmed(ios.In) {
					return cli.Exitf(1, "nothing ended, nothing forgotten")
				}
			}
			by := cli.UserName(uint32(os.Getuid()))
			for _, sb := range end {
				if err := sb.End(by); err == nil {
					fmt.Fprintf(ios.Out, "ended the running sandbox of %s (%s's)\n", sb.Lab, cli.UserName(uint32(sb.StartedBy)))
				}
			}
			if !all && len(others) > 0 {
				fmt.Fprintf(ios.Out, "left %d sandbox(es) of other users running (--all ends them)\n", len(others))
			}
			prog := labs.LoadProgress()
			_, kept := prog[id]
			if id == "" {
				kept = len(prog) > 0
				prog = labs.Progress{}
			} else {
				delete(prog, id)
			}
			// No progress file and nothing to forget is nothing to save:
			// a state folder that cannot be written is then no error.
			if kept || labs.ProgressOnDisk() {
				if err := prog.Save(); err != nil {
					return cli.Exitf(1, "saving progress: %v", err)
				}
			}
			if id == "" {
				fmt.Fprintln(ios.Out, "progress of every lab forgotten")
			} else {
				fmt.Fprintf(ios.Out, "progress of %s forgotten\n", id)
			}
			return nil
		},
	})
	cmd.Flags().BoolVar(&all, "all", false, "end every user's sandboxes of the lab (all labs without ID), not only yours")
	return cmd
}

// confirmed reads one line and says whether it starts with y or Y.
func confirmed(r io.Reader) bool {
	line, _ := bufio.NewReader(r).ReadString('\n')
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(line)), "y")
}

// owners names the users who started the sandboxes, each once.
func owners(sbs []labs.Sandbox) string {
	var names []string
	seen := map[int]bool{}
	for _, sb := range sbs {
		if !seen[sb.StartedBy] {
			seen[sb.StartedBy] = true
			names = append(names, cli.UserName(uint32(sb.StartedBy)))
		}
	}
	return strings.Join(names, ", ")
}
