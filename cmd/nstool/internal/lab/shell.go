package lab

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

func newShellCmd(ios *cli.IOStreams) *cobra.Command {
	var labID string
	cmd := &cobra.Command{
		Use:   verbShell + " NAME [-- COMMAND [ARG...]]",
		Short: "A shell in one of the lab's actors (host, container-a, ...)",
		Long: `Open a shell in one of the running lab's actors: in all of its namespaces
(mount, and user, PID, UTS where it has its own, as nsenter(1) enters them)
and its root. "host" is the sandbox's own namespace, others are started by the
lab's setup. From a second terminal on the host, it first enters the sandbox.`,
		Example: `  nstool lab shell host
  nstool lab shell container-a
  nstool lab shell container-a -- findmnt -R /lab`,
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: actorNames,
		RunE: func(cmd *cobra.Command, args []string) error {
			name, argv := args[0], args[1:]
			if len(argv) > 0 && argv[0] == "--" {
				argv = argv[1:]
			}
			if labs.InSandbox() && labs.InOwnUserNS(stages) {
				// Less privileged than the lab's namespaces: no setns(2) into
				// them from here; one command goes through the sandbox's relay.
				if len(argv) == 0 {
					return cli.Exitf(1, "%v: open %s's shell from a terminal on the machine (`nstool lab shell %s`), or `exit` first; here `nstool lab shell %s -- COMMAND` runs one command there", labs.ErrNeedsRelay, name, name, name)
				}
				return relayed(ios, append(labArgv(verbShell, name, "--"), argv...))
			}
			if labs.InSandbox() {
				err := labs.EnterActor(stages, name, argv)
				var ee *labs.ExecError
				if errors.As(err, &ee) {
					return cli.Exitf(execStatus(ee), "failed to execute %s: %s", ee.Path, cli.Strerror(ee.Err))
				}
				if err != nil {
					return cli.Exitf(1, "%v", err)
				}
				return nil
			}
			if cmd.Flags().Changed("lab") && labID == "" {
				// An empty ID names no lab (it is not "whichever runs").
				return cli.Exitf(1, "--lab: no lab specified")
			}
			var pick []labs.Sandbox
			for _, sb := range labs.FindSandboxes(stages) {
				// --lab names a lab as lab start does (5, 05, slave, 05-slave).
				if labID == "" || (&labs.Lab{ID: sb.Lab}).Is(labID) {
					pick = append(pick, sb)
				}
			}
			switch {
			case len(pick) == 0 && labID != "":
				l, err := loadLab(ios, labID)
				if err != nil {
					return err // no such lab to start either
				}
				return cli.Exitf(1, "no lab %s is running: start it with `nstool lab start %s`", l.ID, l.ID)
			case len(pick) == 0:
				return cli.Exitf(1, "no lab is running: start one with `nstool lab start ID`")
			case len(pick) > 1:
				var ids []string
				for _, sb := range pick {
					ids = append(ids, sb.Lab)
				}
				if sort.Strings(ids); ids[0] == ids[len(ids)-1] {
					// --lab cannot choose between two sandboxes of one lab.
					return cli.Exitf(1, "%d sandboxes of lab %s are running: `exit` all but one (or `nstool lab reset %s` ends them)", len(pick), ids[0], ids[0])
				}
				return cli.Exitf(1, "%d labs are running (%s): choose one with --lab ID", len(pick), strings.Join(ids, ", "))
			}
			ignoreTerminalSignals()
			sb := pick[0]
			code, err := labs.EnterSandbox(stages, sb.InitPID, name, argv, stdio(ios), ios.ColorEnabled())
			if err != nil {
				return cli.Exitf(1, "%v", err)
			}
			if !sb.Running(stages) {
				// The lab ended under this shell: the kernel killed it with
				// the sandbox's PID namespace. Say so, not just end.
				// The shell died mid-prompt: a line of its own, laid out.
				msg := fmt.Sprintf("nstool lab shell: lab %s has ended (exit in its first terminal, or nstool lab reset), and this shell with it; `nstool lab start %s` starts it again", sb.Lab, sb.Lab)
				fmt.Fprintln(ios.ErrOut, "\n"+cli.Wrap(msg, ios.StderrWidth()))
				return cli.Exit(max(code, 1))
			}
			return cli.Exit(code)
		},
	}
	cmd.Flags().StringVar(&labID, "lab", "", "the lab to enter when several are running")
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// execStatus is the exit status of a command lab shell could not run: 127
// when it is not found, 126 when it cannot be run, as a shell's and
// nsenter's.
func execStatus(ee *labs.ExecError) int {
	if errors.Is(ee.Err, syscall.ENOENT) {
		return 127
	}
	return 126
}

// actorNames completes the actors of the running lab(s).
func actorNames(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveDefault
	}
	var names []string
	if st, err := labs.ReadState(); err == nil {
		for name := range st.Actors {
			names = append(names, name)
		}
	} else {
		for _, sb := range labs.FindSandboxes(stages) {
			names = append(names, sb.Actors...)
		}
	}
	sort.Strings(names)
	return names, cobra.ShellCompDirectiveNoFileComp
}
