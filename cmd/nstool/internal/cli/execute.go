package cli

import "github.com/spf13/cobra"

// Execute runs one command with args as the root runs it, but without
// cobra's own error line and usage dump (the root prints one line of its
// own): for tests of a command's command line.
func Execute(cmd *cobra.Command, args ...string) error {
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if args == nil {
		args = []string{} // nil would make cobra read os.Args
	}
	args, err := Getopt(cmd, args)
	if err != nil {
		return err
	}
	cmd.SetArgs(args)
	return cmd.Execute()
}
