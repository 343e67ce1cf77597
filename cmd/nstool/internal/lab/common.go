package lab

import (
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
