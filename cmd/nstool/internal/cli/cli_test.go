package cli

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/spf13/cobra"
)

func TestStrerror(t *testing.T) {
	_, openErr := os.Open("/nonexistent/nstool")
	for _, c := range []struct {
		err  error
		want string
	}{
		{syscall.EINVAL, "Invalid argument"},
		{openErr, "No such file or directory"},
		{fmt.Errorf("mkdir: %w", syscall.EACCES), "Permission denied"},
		{&os.PathError{Op: "read", Path: "x", Err: errors.New("is a directory")}, "Is a directory"},
		{errors.New("Is a directory"), "Is a directory"},
	} {
		if got := Strerror(c.err); got != c.want {
			t.Errorf("Strerror(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestParseUint(t *testing.T) {
	if n, err := ParseUint("4294967295", "failed to parse uid"); err != nil || n != 1<<32-1 {
		t.Errorf("ParseUint(max) = %d, %v", n, err)
	}
	for _, s := range []string{"", "-1", "4294967296", "1x", " 1"} {
		_, err := ParseUint(s, "failed to parse uid")
		if want := "failed to parse uid: '" + s + "'"; err == nil || err.Error() != want || ExitCode(err) != ExitFailure {
			t.Errorf("ParseUint(%q): %v, want %q, exit 1", s, err, want)
		}
	}
	if _, err := ParseInt64("-5", "failed to parse monotonic offset"); err != nil {
		t.Errorf("ParseInt64(-5): %v", err)
	}
}

// getopt's words for what pflag reports, as util-linux prints them.
func TestGetoptError(t *testing.T) {
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	cmd.SetFlagErrorFunc(GetoptError)
	cmd.Flags().StringP("types", "t", "", "")
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	for args, want := range map[string]string{
		"--nope":  "unrecognized option '--nope'",
		"-z":      "invalid option -- 'z'",
		"-t":      "option requires an argument -- 't'",
		"--types": "option '--types' requires an argument",
	} {
		cmd.SetArgs([]string{args})
		err := cmd.Execute()
		var ue *UsageError
		if !errors.As(err, &ue) || err.Error() != want || ue.Code != ExitUsage {
			t.Errorf("%s: %v, want usage error %q", args, err, want)
		}
	}
}
