package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// testCmd is a command with each kind of getopt option: -a (none), -t:
// (required, --target), -m:: (optional, --mount[=FILE]), --make-shared and
// --make-slave, --ro and --read-only (aliases by letter), nstool's own
// --explain, and util-linux's --follow, which nstool lacks.
func testCmd(optstring string) *cobra.Command {
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	f := cmd.Flags()
	f.BoolP("all", "a", false, "")
	f.StringP("target", "t", "", "")
	f.StringP("mount", "m", "", "")
	f.Lookup("mount").NoOptDefVal = "bare"
	f.Bool("make-shared", false, "")
	f.Bool("make-slave", false, "")
	f.BoolP("read-only", "r", false, "")
	f.Bool("explain", false, "")
	f.BoolP("version", "V", false, "")
	UseGetopt(cmd, optstring, "all help target mount make-shared make-slave read-only:r ro:r follow version")
	return cmd
}

func TestGetopt(t *testing.T) {
	for _, c := range []struct {
		optstring, args, want string
	}{
		// long options: exact, unique prefixes, values attached and detached
		{"+at:m::r", "--all --targ 1 --mou=F --mou F", "--all --target=1 --mount=F --mount F"},
		{"+at:m::r", "--ta=", "--target="},
		{"+at:m::r", "--ta -x", "--target=-x"},
		{"+at:m::r", "--ro --read-only --rea", "--read-only --read-only --read-only"},
		{"+at:m::r", "--ex --explain", "--explain --explain"},
		// short options: clusters, attached optional values, required ones
		{"+at:m::r", "-at1 -mu -m -t -m", "--all --target=1 --mount=u --mount --target=-m"},
		{"+at:m::r", "-t '' -m", "--target= --mount"},
		{"+at:mr", "-mr -m", "--mount --read-only --mount"}, // m without optional argument
		// "--", "-", "" and the first non-option
		{"+at:m::r", "-a -- -t", "--all -- -t"},
		{"+at:m::r", "-a prog -t 1", "--all prog -t 1"},
		{"+at:m::r", "-a - -t 1", "--all - -t 1"},
		{"+at:m::r", "'' -a", "'' -a"},
		{"at:m::r", "x -a '' -t1 - y", "x --all '' --target=1 - y"},
		{"at:m::r", "x -- -a", "x -- -a"},
		// --help or --version: util-linux exits there, whatever follows
		{"+at:m::r", "--he --bogus", "--help"},
		{"+at:m::rV", "-a --vers --bogus", "--all --version"},
		{"+at:m::rV", "-t1 -Vx -h", "--target=1 --version"},
		{"+at:m::rV", "--help -V", "--help"},
		{"at:m::rV", "x -V -- y", "x --version"},
		// getopt's messages
		{"+at:m::r", "--make", "option '--make' is ambiguous; possibilities: '--make-shared' '--make-slave'"},
		{"+at:m::r", "--make=1", "option '--make=1' is ambiguous; possibilities: '--make-shared' '--make-slave'"},
		{"+at:m::r", "--r", "--read-only"}, // read-only and ro are one option
		{"+at:m::r", "--f", "unrecognized option '--f'"},
		{"+at:m::r", "--follow", "unrecognized option '--follow'"},
		{"+at:m::r", "--bogus=1", "unrecognized option '--bogus=1'"},
		{"+at:m::r", "--al=1", "option '--all' doesn't allow an argument"},
		{"+at:m::r", "--ro=1", "option '--ro' doesn't allow an argument"},
		{"+at:m::r", "--targ", "option '--target' requires an argument"},
		{"+at:m::r", "-at", "option requires an argument -- 't'"},
		{"+at:m::r", "-ax", "invalid option -- 'x'"},
		{"+at:m::r", "-a=", "invalid option -- '='"},
		{"+at:m::r", "--bogus --help", "unrecognized option '--bogus'"},
	} {
		args := strings.Fields(c.args)
		for i := range args {
			if args[i] == "''" {
				args[i] = ""
			}
		}
		got, err := Getopt(testCmd(c.optstring), args)
		for i := range got {
			if got[i] == "" {
				got[i] = "''"
			}
		}
		s := strings.Join(got, " ")
		if err != nil {
			s = err.Error()
			if ExitCode(err) != ExitUsage {
				t.Errorf("%q: exit code %d", c.args, ExitCode(err))
			}
		}
		if s != c.want {
			t.Errorf("%s %q:\n got %q\nwant %q", c.optstring, c.args, s, c.want)
		}
	}
}

// A command not marked by UseGetopt keeps its arguments.
func TestGetoptUnmarked(t *testing.T) {
	args := []string{"--a", "-mu"}
	if got, err := Getopt(&cobra.Command{Use: "x"}, args); err != nil || strings.Join(got, " ") != "--a -mu" {
		t.Errorf("got %q, %v", got, err)
	}
}

func TestMatchLong(t *testing.T) {
	names := []string{"version", "help", "explain"}
	for arg, want := range map[string]string{"--v": "version", "--he": "help", "--e": "explain",
		"--=x": "option '--=x' is ambiguous; possibilities: '--version' '--help' '--explain'",
		"--x":  "unrecognized option '--x'"} {
		got, err := MatchLong(arg, strings.SplitN(arg[2:], "=", 2)[0], names)
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", arg, got, want)
		}
	}
}
