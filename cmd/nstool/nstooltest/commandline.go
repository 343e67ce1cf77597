package nstooltest

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// Parse reads a command line as a subcommand does, without running it:
// newCmd makes the subcommand with a run function in place of its own (the
// runF seam), and config turns the options cobra filled in into what the
// command would carry out. It returns that, or why cobra or config refused
// the command line.
func Parse[O, C any](t testing.TB, newCmd func(*cli.IOStreams, func(*O) error) *cobra.Command,
	config func(*O) (C, error), args ...string) (C, error) {
	t.Helper()
	ios, _, _, _ := cli.Test()
	var cfg C
	var cfgErr error
	cmd := newCmd(ios, func(o *O) error {
		cfg, cfgErr = config(o)
		return nil
	})
	if err := cli.Execute(cmd, args...); err != nil { // read as the root reads it (cli.Getopt)
		var zero C
		return zero, err
	}
	return cfg, cfgErr
}

// Parser is Parse for one subcommand: a function that reads a command line
// as newCmd's subcommand does and returns what config made of it.
func Parser[O, C any](newCmd func(*cli.IOStreams, func(*O) error) *cobra.Command,
	config func(*O) (C, error)) func(t testing.TB, args ...string) (C, error) {
	return func(t testing.TB, args ...string) (C, error) {
		t.Helper()
		return Parse(t, newCmd, config, args...)
	}
}

// ShellWords splits a command line as sh would for plain words: blanks
// separate, single and double quotes group (two quotes with nothing between are an empty word), nothing
// is expanded (a $(...) or $VAR stays one word).
func ShellWords(s string) []string {
	var out []string
	var cur strings.Builder
	quote, in := rune(0), false
	for _, c := range s {
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// Run runs cmd with its output captured and returns what it wrote and its
// exit code (-1 when a signal ended it); a command that cannot start fails
// the test.
func Run(t testing.TB, cmd *exec.Cmd) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", strings.Join(cmd.Args, " "), err)
	}
	return out.String(), errOut.String(), code
}
