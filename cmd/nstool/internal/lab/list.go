package lab

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

func newListCmd(ios *cli.IOStreams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the labs, with what you have done",
		Example: `  nstool lab list
  nstool lab list --json | jq -r '.[] | select(.done | not) | .id'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			all, dirErr, err := readLabs()
			if err != nil {
				return err
			}
			warnLabsDir(ios, dirErr)
			prog := labs.LoadProgress()
			type row struct {
				ID      string `json:"id"`
				Title   string `json:"title"`
				Minutes int    `json:"minutes"`
				Steps   int    `json:"steps"`
				Passed  int    `json:"steps_passed"` // the most steps passed in one run
				Done    bool   `json:"done"`
			}
			rows := []row{}
			for _, l := range all {
				rows = append(rows, row{l.ID, l.Title, l.Minutes, len(l.Steps), prog[l.ID].Passed(len(l.Steps)), prog[l.ID].Done})
			}
			if asJSON {
				enc := json.NewEncoder(ios.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			for _, r := range rows {
				mark, reached := " ", ""
				if r.Done {
					mark = "✓"
				} else if r.Passed > 0 {
					// In progress: say how far, instead of a bare mark.
					mark, reached = "…", fmt.Sprintf("  (%d/%d steps passed; lab start goes on from step %d)", r.Passed, r.Steps, r.Passed+1)
				}
				line := fmt.Sprintf("%s %-14s %3d min  %s", mark, r.ID, r.Minutes, r.Title)
				if w := ios.TerminalWidth(); w > 0 && cli.Width(line+reached) > w {
					// No room beside the title: below it, under it.
					reached = "\n" + strings.Repeat(" ", cli.Width(fmt.Sprintf("%s %-14s %3d min  ", mark, r.ID, r.Minutes))) + strings.TrimSpace(reached)
				}
				fmt.Fprintf(ios.Out, "%s%s\n", line, reached)
			}
			if ios.IsStdoutTTY() {
				fmt.Fprintln(ios.Out, "\n✓ done   … in progress   `nstool lab start ID` starts one")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: [{\"id\", \"title\", \"minutes\", \"steps\", \"steps_passed\", \"done\"}]")
	return cmd
}

func newShowCmd(ios *cli.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Print a lab's narrative and its steps",
		Long: `Print a lab's narrative (its README.md) and its steps: rendered for a
terminal (headings and bold in bold, code in colour, tables in columns,
prose at the terminal's width), the Markdown itself on a pipe.`,
		Example:           "  nstool lab show 04-types\n  nstool lab show 04-types | less",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: labIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := loadLab(ios, args[0])
			if err != nil {
				return err
			}
			var b strings.Builder
			fmt.Fprintln(&b, strings.TrimSpace(l.README))
			fmt.Fprintf(&b, "\n## Steps\n\n")
			for i, s := range l.Steps {
				fmt.Fprintf(&b, "%d. %s\n", i+1, s.Title)
			}
			fmt.Fprintf(&b, "\nStart it with `nstool lab start %s`.\n", l.ID)
			// Markdown for a pipe (a pager, the web); rendered for a person.
			if !ios.IsStdoutTTY() {
				fmt.Fprint(ios.Out, b.String())
				return nil
			}
			fmt.Fprint(ios.Out, renderMarkdown(b.String(), ios.TerminalWidth(), ios.ColorEnabled()))
			return nil
		},
	}
}
