package lab

import (
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

// findLabs returns the labs named by ids (each an ID, a number or a name),
// or every lab if there are none.
func findLabs(ios *cli.IOStreams, ids []string) ([]*labs.Lab, error) {
	all, dirErr, err := readLabs()
	if err != nil {
		return nil, err
	}
	var sel []*labs.Lab
	for _, id := range ids {
		l, err := labs.Find(all, id)
		if err != nil && dirErr != nil {
			// One line: the lab asked for may be the one that cannot be read.
			return nil, cli.Exitf(1, "no lab %q: %v", id, dirErr)
		}
		if err != nil {
			return nil, cli.Exitf(1, "%v", err)
		}
		if !slices.Contains(sel, l) { // `lab verify 3 03-peers` runs 03-peers once
			sel = append(sel, l)
		}
	}
	warnLabsDir(ios, dirErr)
	if len(ids) == 0 {
		return all, nil
	}
	return sel, nil
}

func loadLab(ios *cli.IOStreams, id string) (*labs.Lab, error) {
	sel, err := findLabs(ios, []string{id})
	if err != nil {
		return nil, err
	}
	return sel[0], nil
}

// labOutside is the lab for a verb that starts a sandbox: it refuses to
// run inside one.
func labOutside(ios *cli.IOStreams, verb, id string) (*labs.Lab, error) {
	if err := outsideOnly(verb); err != nil {
		return nil, err
	}
	return loadLab(ios, id)
}

// runOptions runs l in a sandbox on the command's terminal.
func runOptions(ios *cli.IOStreams, l *labs.Lab, mode labs.Mode) labs.RunOptions {
	return labs.RunOptions{Lab: l, Mode: mode, Color: ios.ColorEnabled(), Stdin: ios.In, Stdout: ios.Out, Stderr: ios.ErrOut, Stages: stages}
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

// relayed has the sandbox's relay run argv, a command line of nstool's, on
// this command's terminal (from a user namespace the learner made, see
// labs.RunRelayed), and exits as it did.
func relayed(ios *cli.IOStreams, argv []string) error {
	code, err := labs.RunRelayed(argv, stdio(ios))
	if err != nil {
		return cli.Exitf(1, "%v", err)
	}
	return cli.Exit(code)
}

func outsideOnly(verb string) error {
	if labs.InSandbox() {
		return cli.Exitf(1, "already inside a lab sandbox: `exit` first, then `nstool lab %s`", verb)
	}
	return nil
}

// fileOr is v if it is a file (a terminal a child can inherit), else def.
func fileOr(v any, def *os.File) *os.File {
	if f, ok := v.(*os.File); ok {
		return f
	}
	return def
}

// readLabs is labs.All for a command: a $NSTOOL_LABS_DIR that cannot be
// read is returned apart (dirErr), and the built-in labs go on.
func readLabs() (all []*labs.Lab, dirErr, err error) {
	all, err = labs.All()
	var labsDirErr *labs.LabsDirError
	if errors.As(err, &labsDirErr) {
		return all, err, nil
	}
	if err != nil {
		return nil, nil, cli.Exitf(1, "%v", err)
	}
	return all, nil, nil
}

// warnLabsDir says in one line on stderr that $NSTOOL_LABS_DIR was left out.
func warnLabsDir(ios *cli.IOStreams, dirErr error) {
	if dirErr != nil {
		fmt.Fprintf(ios.ErrOut, "nstool lab: %v\n", dirErr)
	}
}
