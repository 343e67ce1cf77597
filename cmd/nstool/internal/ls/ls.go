// Package ls implements `nstool ls`: cinf and util-linux lsns in one.
package ls

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil/namespaces"
)

// Options are the parsed command line of `nstool ls`.
type Options struct {
	IO *cli.IOStreams

	Types      namespaces.TypeSet // empty: all
	Output     string
	OutputAll  bool
	List       bool
	Raw        bool
	NoHeadings bool
	JSON       bool
	NoTrunc    bool
	NoWrap     bool
	Tree       string // "", "owner", "parent" or "process"
	Namespace  uint64 // --namespace ID (0: not given)
	Version    bool   // -V: print the version only
	PID        int    // --pid PID (0: not given; negative: no process, as lsns reads it)

	// The command line as given, which validate reads into the fields
	// above: -t's values, the one argument, --namespace, --pid, --task.
	typeArgs                   []string
	Args                       []string
	namespaceArg, pidArg, task string
	changed                    func(name string) bool
	typesGiven                 namespaces.TypeSet // before validate made none all
	allWithProcessColumns      bool               // -l with <namespace> 0 (see lsnsNamespaceZero)
}

// The default columns: cinf's for the namespace list and the process view,
// and for --pid the comparison with PID 1 and the caller.
var (
	defaultColumns        = []string{"NAMESPACE", "TYPE", "NPROCS", "USERS", "CMD"}
	defaultProcessColumns = []string{"PID", "PPID", "NAME", "CMD", "NTHREADS", "CGROUPS", "STATE"}
	defaultPIDColumns     = []string{"NAMESPACE", "TYPE", "NPROCS", "PID1", "SELF"}
)

// NewCmd returns the `ls` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	return newCmd(ios, run)
}

// newCmd builds the command with runF as its action (tests pass their own).
func newCmd(ios *cli.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "ls [TYPE|NAMESPACE]",
		Short: "List namespaces (lsns and cinf in one)",
		Long: `List the namespaces of the running system: every namespace some process is
in, and those that only a bind mount of an nsfs file keeps alive (found in
the mount table of every mount namespace), with NPROCS 0.

TYPE is one of mnt, uts, ipc, pid, net, user, cgroup, time; without it all
types are listed. The default columns are cinf's: NAMESPACE (the inode
number), TYPE, NPROCS, USERS (the distinct effective UIDs of its processes)
and CMD (the command line of its lowest-PID process). Rows are sorted by
namespace, then type.

--namespace ID lists the processes in one namespace; a number given as the
argument does the same, as with lsns. --pid PID lists every namespace of one
process and whether it is PID 1's and the caller's.

-l is the lsns-exact view: what util-linux lsns -l 2.38.1 prints, with its
default columns (NETNSID and NSFS too with -t net), only namespaces some
process is in, NSFS only from your own mount table, nothing on stderr.
Elsewhere, columns and flags that lsns has print what lsns prints (lsns's
default process tree is -T process). Only processes are counted, not
threads. As non-root, the namespaces of other users' processes cannot be
read: they are left out and, outside -l, said so once on stderr. --pid of a
process that is not there, or not readable, lists nothing (exit 0), as lsns.
-V prints "ls from nstool VERSION", not util-linux's line: nstool is not
util-linux.

Available output columns:
` + columnHelp(),
		Example: `  nstool ls                          # every namespace, cinf's columns
  nstool ls mnt                      # mount namespaces only
  nstool ls net -o NS,NPROCS,NETNSID,NSFS
  nstool ls -o +PNS,ONS,MOUNTS       # the defaults plus parent, owner and mount count
  nstool ls -T owner                 # user namespaces and what they own, as a tree
  nstool ls --namespace 4026531840   # the processes in one namespace
  nstool ls --pid $$                 # the namespaces of this shell
  nstool ls -J | jq '.namespaces[] | select(.nprocs == 0)'
  nstool ls -l -t net                # exactly lsns -l -t net's bytes`,
		Args: cobra.ArbitraryArgs, // lsns reads the first and ignores the rest
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return typeNames(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			opts.changed = cmd.Flags().Changed
			return runF(opts)
		},
	}
	// util-linux lsns 2.38's optstring and longopts, as lsns reads them.
	cli.UseGetopt(cmd, "hlno:p:rt:uJT::VW", "json task help output output-all notruncate version noheadings nowrap list raw type tree")
	f := cmd.Flags()
	f.StringArrayVarP(&opts.typeArgs, "type", "t", nil, "namespace `TYPE` (mnt, net, ipc, user, pid, uts, cgroup, time); repeatable")
	f.StringVarP(&opts.Output, "output", "o", "", "output columns: a comma-separated `LIST`; +LIST adds to the default")
	f.BoolVar(&opts.OutputAll, "output-all", false, "output all columns")
	f.BoolVarP(&opts.List, "list", "l", false, "lsns's list: its columns and rows, byte for byte")
	f.BoolVarP(&opts.Raw, "raw", "r", false, "use the raw output format")
	f.BoolVarP(&opts.NoHeadings, "noheadings", "n", false, "don't print headings")
	f.BoolVarP(&opts.JSON, "json", "J", false, "use JSON output format")
	f.BoolVarP(&opts.NoTrunc, "notruncate", "u", false, "don't truncate text in columns")
	f.BoolVarP(&opts.NoWrap, "nowrap", "W", false, "don't use multi-line representation")
	f.StringVarP(&opts.Tree, "tree", "T", "", "use tree format by `REL`ation: owner (default), parent or process")
	f.Lookup("tree").NoOptDefVal = "owner"
	f.StringVar(&opts.namespaceArg, "namespace", "", "list the processes in namespace `ID` (its inode number)")
	f.StringVarP(&opts.pidArg, "pid", "p", "", "list the namespaces of process `PID`")
	f.StringVar(&opts.task, "task", "", "the same as --pid (lsns's name)")
	f.BoolVarP(&opts.Version, "version", "V", false, "display version (ls from nstool VERSION)")
	_ = f.MarkHidden("task")
	_ = cmd.RegisterFlagCompletionFunc("type", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return typeNames(), cobra.ShellCompDirectiveNoFileComp
	})
	cli.CheckBeforeHelp(cmd, func() error { // lsns checks the options before -h at their turn
		opts.changed = cmd.Flags().Changed
		return opts.validate()
	})
	_ = cmd.RegisterFlagCompletionFunc("tree", cobra.FixedCompletions([]string{"owner", "parent", "process"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate reads the command line as lsns does, refusing what it refuses
// with its messages: the types, the one argument, the numbers of
// --namespace and --pid, the tree type and the exclusive options.
func (o *Options) validate() error {
	for _, t := range o.typeArgs {
		if err := o.addType(t); err != nil {
			return err
		}
	}
	namespace, pid := o.namespaceArg, o.pidArg
	namespaceGiven := o.changed("namespace")
	if len(o.Args) > 0 {
		if err := o.positional(o.Args[0], &namespace, &namespaceGiven); err != nil {
			return err
		}
	}
	// An option given an empty value was given: lsns says the
	// value is invalid, as for any other that is not a number.
	pidGiven := o.changed("pid")
	if o.changed("task") && !pidGiven {
		pid, pidGiven = o.task, true
	}
	if pidGiven {
		// As lsns: strtol's reading; 0 is no --pid at all, and a PID no
		// process has (negative ones too) lists nothing.
		n, err := cli.ParseStrtos32(pid, "invalid PID argument")
		if err != nil {
			return err
		}
		o.PID = int(n)
	}
	// lsns reads <namespace> after its options, refusing it next to a
	// --task first, whatever it says.
	positional := namespaceGiven && o.namespaceArg == "" && !o.changed("namespace")
	if positional && o.PID != 0 {
		return cli.Exitf(1, "--task is mutually exclusive with <namespace>") // lsns's words
	}
	if namespaceGiven {
		id, err := cli.ParseStrtou64(namespace, "invalid namespace argument")
		if err != nil {
			return err
		}
		if id == 0 && !(o.List && positional) {
			return cli.NumberError("invalid namespace argument", namespace)
		}
		if id == 0 {
			o.lsnsNamespaceZero()
		}
		o.Namespace = id
	}
	if o.changed("tree") {
		// lsns drops one "=" from an attached -T value: -T=owner.
		o.Tree = strings.TrimPrefix(o.Tree, "=")
		switch o.Tree {
		case "owner", "parent", "process":
		default:
			return cli.Exitf(1, "unknown tree type: %s", o.Tree)
		}
	}
	switch {
	// util-linux says these in one line, without the --help hint.
	case o.JSON && o.Raw:
		return cli.Exitf(1, "mutually exclusive arguments: --json --raw")
	case o.PID != 0 && o.Namespace != 0:
		return cli.Exitf(1, "--pid is mutually exclusive with --namespace")
	}
	o.typesGiven = o.Types
	if o.Types == 0 {
		o.Types = namespaces.AllTypeSet
	}
	return nil
}

// lsnsNamespaceZero is lsns 2.38.1's <namespace> 0 in the lsns-exact
// view: no namespace is 0, so lsns lists every namespace (0 is its "no
// filter"), yet a <namespace> given made its defaults the process
// columns, PID PPID USER COMMAND: they become the -o list, or what a "+"
// list adds to (not with --output-all, which lsns's defaults yield to).
func (o *Options) lsnsNamespaceZero() {
	if o.allWithProcessColumns || o.OutputAll {
		return
	}
	o.allWithProcessColumns = true
	const defaults = "PID,PPID,USER,COMMAND"
	switch changed := o.changed; {
	case !changed("output"):
		o.Output = defaults
		o.changed = func(name string) bool { return name == "output" || changed(name) }
	case strings.HasPrefix(o.Output, "+") && o.Output != "+":
		o.Output = defaults + "," + o.Output[1:]
	}
}

// positional reads the one argument: a TYPE, or a namespace ID as lsns's
// <namespace>.
func (o *Options) positional(a string, namespace *string, given *bool) error {
	// "-T parent": pflag gives -T its default and leaves "parent" as an
	// argument; lsns rejects it, a person means the tree type.
	if o.changed("tree") && o.Tree == "owner" && (a == "owner" || a == "parent" || a == "process") {
		o.Tree = a
		return nil
	}
	if _, err := namespaces.ParseType(a); err == nil {
		return o.addType(a)
	}
	*namespace, *given = a, true // read as lsns reads <namespace> (strtou64: blanks, "+")
	return nil
}

func (o *Options) addType(name string) error {
	t, err := namespaces.ParseType(name)
	if err != nil {
		return cli.Exitf(1, "unknown namespace type: %s", name)
	}
	o.Types = o.Types.With(t)
	return nil
}

// typeNames are the namespace types as TYPE and -t complete them.
func typeNames() []string {
	names := make([]string, 0, len(namespaces.AllTypes))
	for _, t := range namespaces.AllTypes {
		names = append(names, t.String())
	}
	return names
}
