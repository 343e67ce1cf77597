// Package root wires every nstool command under one cobra root and turns
// their errors into util-linux's one-line messages and exit codes.
package root

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/early"
	"github.com/nstool/nstool/cmd/nstool/internal/findmnt"
	"github.com/nstool/nstool/cmd/nstool/internal/graph"
	"github.com/nstool/nstool/cmd/nstool/internal/holders"
	"github.com/nstool/nstool/cmd/nstool/internal/lab"
	"github.com/nstool/nstool/cmd/nstool/internal/ls"
	"github.com/nstool/nstool/cmd/nstool/internal/mount"
	"github.com/nstool/nstool/cmd/nstool/internal/nsenter"
	"github.com/nstool/nstool/cmd/nstool/internal/nsexec"
	"github.com/nstool/nstool/cmd/nstool/internal/pivotroot"
	"github.com/nstool/nstool/cmd/nstool/internal/reach"
	"github.com/nstool/nstool/cmd/nstool/internal/umount"
	"github.com/nstool/nstool/cmd/nstool/internal/unshare"
	"github.com/nstool/nstool/cmd/nstool/internal/version"
	"github.com/nstool/nstool/cmd/nstool/internal/why"
)

// commands are nstool's subcommands in help order, each built only when
// it is run (see NewCmdFor). A composite literal of functions: static data,
// no work at start-up.
var commands = []struct {
	name string
	new  func(*cli.IOStreams) *cobra.Command
}{
	{"findmnt", findmnt.NewCmd},
	{"mount", mount.NewCmd},
	{"umount", umount.NewCmd},
	{"unshare", unshare.NewCmd},
	{"nsenter", nsenter.NewCmd},
	{"pivot_root", pivotroot.NewCmd},
	{"ls", ls.NewCmd},
	{"lab", lab.NewCmd},
	{"reach", reach.NewCmd},
	{"holders", holders.NewCmd},
	{"why", why.NewCmd},
	{"graph", graph.NewCmd},
}

// NewCmd builds the root command with every subcommand attached (help,
// completion and the generated docs need them all).
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	cmd := newRoot(ios)
	for _, c := range commands {
		cmd.AddCommand(c.new(ios))
	}
	return cmd
}

// NewCmdFor builds the root command for one command line: only the
// subcommand that args (os.Args[1:]) names, so that nstool does not build
// seven commands, their flag sets and completion functions to run one. A
// command line that names none (help, completion, an unknown word, no
// word at all) gets them all.
func NewCmdFor(ios *cli.IOStreams, args []string) *cobra.Command {
	verb := verbOf(args)
	for _, c := range commands {
		if c.name == verb {
			cmd := newRoot(ios)
			cmd.AddCommand(c.new(ios))
			// cobra would add its completion command to every root that
			// has subcommands; this command line runs another.
			cmd.CompletionOptions.DisableDefaultCmd = true
			return cmd
		}
	}
	return NewCmd(ios)
}

// getopt rewrites the arguments of a subcommand that util-linux's
// getopt_long reads (cli.UseGetopt) into the form cobra reads as getopt
// meant them; sub is that subcommand (nil: none) and err getopt's message.
func getopt(root *cobra.Command, args []string) (_ []string, sub *cobra.Command, err error) {
	i := verbIndex(args)
	if i < 0 {
		return args, nil, nil
	}
	for _, c := range root.Commands() {
		if c.Name() == args[i] && cli.UsesGetopt(c) {
			rest, err := cli.Getopt(c, args[i+1:])
			return append(args[:i+1:i+1], rest...), c, err
		}
	}
	return args, nil, nil
}

// verbOf is the first word of args that is no root flag: the subcommand
// cobra will look for ("" when a word cannot be told from a flag value).
func verbOf(args []string) string {
	if i := verbIndex(args); i >= 0 {
		return args[i]
	}
	return ""
}

// verbIndex is the index in args of verbOf's word (-1: none).
func verbIndex(args []string) int {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--color":
			i++ // its value
		case strings.HasPrefix(a, "--color="):
		default:
			return i
		}
	}
	return -1
}

// Options are the root's own options, which every command takes.
type Options struct {
	IO        *cli.IOStreams
	ColorMode string // --color
}

// validate takes --color into the streams, or refuses it.
func (o *Options) validate() error {
	switch o.ColorMode {
	case "auto", "always", "never":
		o.IO.SetColorMode(o.ColorMode)
		return nil
	}
	return cli.Usagef(cli.ExitUsage, "unsupported color mode: %q (use auto, always or never)", o.ColorMode)
}

// newRoot is the root command alone. It runs nothing itself: before a
// command runs, it validates its own options.
func newRoot(ios *cli.IOStreams) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "nstool",
		Short: "Learn and inspect Linux mount namespaces and mount propagation",
		Long: `nstool reproduces util-linux's findmnt, mount, umount, unshare, nsenter and
pivot_root, an lsns/cinf-style namespace lister, views across every mount
namespace at once (reach, why, holders, graph), and guided labs that show
mount namespaces and propagation on the running kernel.

When standard output is a pipe, the util-linux commands print exactly what
util-linux prints; on a terminal they add colour.`,
		Example: `  nstool findmnt -o TARGET,PROPAGATION
  nstool unshare --mount --propagation=shared bash
  nstool ls mnt
  nstool reach /srv/data
  nstool lab start 03-peers`,
		Version:       version.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return opts.validate()
		},
	}
	cmd.PersistentFlags().StringVar(&opts.ColorMode, "color", "auto", "colourize output: auto, always or never")
	cmd.SetVersionTemplate(version.Line("{{.Version}}"))
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SetIn(ios.In)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &cli.UsageError{Code: cli.ExitUsage, Err: err}
	})
	cmd.DisableAutoGenTag = true
	return cmd
}

// versionAlone prints what cobra prints for `nstool --version` (or -v) alone,
// without building a command or running cobra's version template through
// text/template: done is false for any other command line.
func versionAlone(args []string, w io.Writer) (code int, done bool) {
	if len(args) != 1 || (args[0] != "--version" && args[0] != "-v") {
		return 0, false
	}
	if _, err := io.WriteString(w, version.Line(version.Version)); err != nil {
		return 1, true
	}
	return 0, true
}

// Main runs nstool with the process's arguments and returns the exit code.
func Main() int {
	if verb, err := early.Failure(); err != nil {
		// The early start made namespaces and then failed: say so as the
		// command would, from where it stopped.
		ios := cli.System()
		fmt.Fprintf(ios.ErrOut, "nstool %s: %v\n", verb, err)
		return cli.ExitCode(nsexec.Failure(err))
	}
	args := os.Args[1:]
	if code, done := versionAlone(args, os.Stdout); done {
		return code
	}
	ios := cli.System()
	return Run(ios, NewCmdFor(ios, args), nil)
}

// Run executes root with args (nil: os.Args[1:]) and reports a failure as
// one line on stderr: "nstool VERB: what failed: why".
func Run(ios *cli.IOStreams, root *cobra.Command, args []string) int {
	if args == nil {
		args = os.Args[1:]
	}
	args, cmd, err := getopt(root, args)
	if err == nil {
		root.SetArgs(args)
		cmd, err = root.ExecuteC()
	}
	if err == nil {
		return 0
	}
	var ee *cli.ExitError
	if errors.As(err, &ee) && ee.Err == nil {
		return ee.Code // the command has already said what it had to
	}
	name := "nstool"
	if cmd != nil {
		name = cmd.CommandPath()
	}
	fmt.Fprintf(ios.ErrOut, "%s: %v\n", name, err)
	// Commands report runtime failures as *cli.ExitError; everything else is
	// a usage mistake (a cli.UsageError, or cobra's own unknown-command and
	// argument-count errors), which util-linux follows with a pointer to --help.
	if !errors.As(err, &ee) {
		fmt.Fprintf(ios.ErrOut, "Try '%s --help' for more information.\n", name)
	}
	return cli.ExitCode(err)
}
