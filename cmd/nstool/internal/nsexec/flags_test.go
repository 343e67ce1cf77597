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
		args    []string
		hasFile bool
		file    string
	}{
		{[]string{"--mount=true"}, true, "true"},
		{[]string{"-mtrue"}, true, "true"},
		{[]string{"--mou=true"}, true, "true"},
		{[]string{"--mount"}, false, ""},
		{[]string{"-m"}, false, ""},
		{[]string{"--mount="}, true, ""},
		{[]string{"--mount=./true"}, true, "./true"},
		{[]string{"--mount=true", "--mount"}, false, ""},
		{[]string{"-m", "--mount=true"}, true, "true"},
	} {
		var o OptionalFile
		cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
		AddOptionalFile(cmd.Flags(), &o, "mount", "m", "")
		cli.UseGetopt(cmd, "+m::", "mount")
		args, err := cli.Getopt(cmd, c.args)
		if err == nil {
			err = cmd.Flags().Parse(args)
		}
		if err != nil || !o.On || o.HasFile != c.hasFile || o.File != c.file {
			t.Errorf("%q: on %v, file %v %q, err %v; want file %v %q", c.args, o.On, o.HasFile, o.File, err, c.hasFile, c.file)
		}
	}
}
