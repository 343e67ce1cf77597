package nsexec

import (
	"testing"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// An optional file typed as pflag's bare value ("true") is still a file,
// as getopt_long reads `--mount=true` and `-mtrue`; a bare --mount or -m
// is not, and `--mount=` is the empty file name.
func TestOptionalFileTrueIsAFile(t *testing.T) {
	for _, c := range []struct {
		args          []string
		hasFile, bare bool
		file          string
	}{
		{[]string{"--mount=true"}, true, false, "true"},
		{[]string{"-mtrue"}, true, false, "true"},
		{[]string{"--mou=true"}, true, false, "true"},
		{[]string{"--mount"}, false, true, ""},
		{[]string{"-m"}, false, true, ""},
		{[]string{"--mount="}, true, false, ""},
		{[]string{"--mount=./true"}, true, false, "./true"},
		// given again: the last file stays, and a bare one is said
		{[]string{"--mount=true", "--mount"}, true, true, "true"},
		{[]string{"-m", "--mount=true"}, true, true, "true"},
		{[]string{"-mf", "-mg"}, true, false, "g"},
	} {
		var o OptionalFile
		cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
		AddOptionalFile(cmd.Flags(), &o, "mount", "m", "")
		cli.UseGetopt(cmd, "+m::", "mount")
		args, err := cli.Getopt(cmd, c.args)
		if err == nil {
			err = cmd.Flags().Parse(args)
		}
		if err != nil || !o.On || o.HasFile != c.hasFile || o.File != c.file || o.Bare != c.bare {
			t.Errorf("%q: on %v, file %v %q, bare %v, err %v; want file %v %q, bare %v", c.args, o.On, o.HasFile, o.File, o.Bare, err, c.hasFile, c.file, c.bare)
		}
	}
}
