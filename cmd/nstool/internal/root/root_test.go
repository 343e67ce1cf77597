package root

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := cli.Test()
	code = Run(ios, NewCmd(ios), args)
	return code, out.String(), errOut.String()
}

// TestVersion: cobra's --version and -v, and the short cut Main takes for
// them, print the same line.
func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "-v"} {
		code, out, _ := run(t, arg)
		if code != 0 || out != "nstool dev\n" {
			t.Errorf("%s: code %d, out %q", arg, code, out)
		}
		var fast strings.Builder
		if code, done := versionAlone([]string{arg}, &fast); !done || code != 0 || fast.String() != out {
			t.Errorf("%s without cobra: done %v, code %d, out %q; cobra's %q", arg, done, code, fast.String(), out)
		}
	}
	for _, args := range [][]string{{"--version", "x"}, {"--color=never", "--version"}, {"findmnt"}, nil} {
		if _, done := versionAlone(args, &strings.Builder{}); done {
			t.Errorf("%q taken for --version alone", args)
		}
	}
}

// TestNewCmdFor: a command line that names a subcommand builds that one
// only; any other (help, completion, nothing, an unknown word) builds all.
func TestNewCmdFor(t *testing.T) {
	ios, _, _, _ := cli.Test()
	var all []string
	for _, c := range NewCmd(ios).Commands() {
		all = append(all, c.Name())
	}
	if len(all) != len(commands) {
		t.Fatalf("NewCmd has %v; the table %d commands", all, len(commands))
	}
	names := func(args ...string) string {
		var out []string
		for _, c := range NewCmdFor(ios, args).Commands() {
			out = append(out, c.Name())
		}
		return strings.Join(out, " ")
	}
	for _, name := range all {
		for _, args := range [][]string{{name}, {name, "--help"}, {"--color=never", name}, {"--color", "never", name, "-x"}} {
			if got := names(args...); got != name {
				t.Errorf("%q builds %q, want only %q", args, got, name)
			}
		}
	}
	for _, args := range [][]string{nil, {"help", "findmnt"}, {"--help"}, {"completion", "bash"},
		{"__complete", "findmnt", ""}, {"frobnicate"}, {"--color"}, {"--", "findmnt"}} {
		if got := names(args...); got != strings.Join(all, " ") {
			t.Errorf("%q builds %q, want all", args, got)
		}
	}
	// The one-command root runs its command as the full one does.
	code, _, errOut := run(t, "findmnt", "--no-such-flag")
	ios2, _, _, errOut2 := cli.Test()
	code2 := Run(ios2, NewCmdFor(ios2, []string{"findmnt", "--no-such-flag"}), []string{"findmnt", "--no-such-flag"})
	if code != code2 || errOut != errOut2.String() {
		t.Errorf("findmnt --no-such-flag: all commands %d %q, one %d %q", code, errOut, code2, errOut2.String())
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, errOut := run(t, "completion", shell)
		if code != 0 || !strings.Contains(out, "nstool") {
			t.Errorf("completion %s: code %d, stderr %q, %d bytes out", shell, code, errOut, len(out))
		}
	}
}

func TestUsageErrorIsOneLinePlusHint(t *testing.T) {
	code, out, errOut := run(t, "findmnt", "--no-such-flag")
	want := "nstool findmnt: unrecognized option '--no-such-flag'\nTry 'nstool findmnt --help' for more information.\n"
	if code != 1 || out != "" || errOut != want {
		t.Errorf("code %d, stdout %q, stderr %q; want 1, \"\", %q", code, out, errOut, want)
	}
}

func TestUnknownCommand(t *testing.T) {
	code, _, errOut := run(t, "frobnicate")
	if code != 1 || !strings.HasPrefix(errOut, "nstool: unknown command \"frobnicate\"") {
		t.Errorf("code %d, stderr %q", code, errOut)
	}
}

func TestBadColorMode(t *testing.T) {
	code, _, errOut := run(t, "--color=sometimes", "ls")
	if code != 1 || !strings.Contains(errOut, "unsupported color mode") {
		t.Errorf("code %d, stderr %q", code, errOut)
	}
}
