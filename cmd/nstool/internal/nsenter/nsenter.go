// Package nsenter implements `nstool nsenter`: util-linux nsenter(1),
// including entering a user namespace, which a multithreaded Go process
// cannot do itself (see spawn.Spawn).
package nsenter

import (
	"os"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/early"
	"github.com/nstool/nstool/cmd/nstool/internal/nsexec"
	"github.com/nstool/nstool/cmd/nstool/internal/nsopt"
	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/spawn"
)

// Options are the parsed command line.
type Options struct {
	All           bool
	Target        string
	NS            [namespaces.NumTypes]nsexec.OptionalFile // by namespaces.Type
	Root, Wd      nsexec.OptionalFile
	Wdns          string
	SetUID        string
	SetGID        string
	NoFork        bool
	PreserveCreds bool
	FollowContext bool // -Z: SELinux (followContext)
	Explain       bool
	Version       bool // -V: "nsenter from nstool VERSION"
	Args          []string
	changed       func(string) bool
	// inTurn are -t, -S, -G, -w and -W in command-line order, each time
	// given: util-linux reads each number, and refuses -w with -W, in turn.
	inTurn []nsexec.Given
}

// NewCmd returns the `nsenter` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	return newCmd(ios, func(o *Options) error { return run(ios, o) })
}

// newCmd builds the command with runF as its action (tests pass their own).
func newCmd(ios *cli.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "nsenter [options] [program [arguments...]]",
		Short: "Run a program in the namespaces of another process, as util-linux nsenter",
		Long: `Run a program with the namespaces of other processes, exactly as util-linux
nsenter(1): the same options, order of operations, messages and exit codes.
Each namespace option enters the target's namespace (-t PID), or the one a
file names (--mount=/root/ns/mnt, a file made by unshare --mount=FILE).

Entering a user namespace needs a single-threaded process (setns(2)); with -U
nstool makes every setns(2) in a single-threaded child, so -U works as in
util-linux.
After entering a pid namespace nstool forks (unless --no-fork), because
setns(2) moves only the children into it. The program defaults to $SHELL.

-Z (--follow-context) sets the target's SELinux context in util-linux;
where SELinux is not enabled (no selinuxfs mounted) it does nothing there
and here. Where SELinux is enabled nstool refuses it (exit 1): it does not
set SELinux contexts.

Start-up: with every option but --explain and -Z nstool does the work
before Go's runtime starts, in one process as util-linux does (the program
keeps nstool's PID unless a pid namespace needs a fork) and as fast;
NSTOOL_EARLY=off in the environment turns that off.`,
		Example: `  # a shell in every namespace of process 1234
  nstool nsenter -t 1234 -a

  # look at the mount table of a container
  nstool nsenter -t 1234 --mount findmnt

  # re-enter a mount namespace kept by unshare --mount=FILE
  nstool nsenter --mount=/root/ns/mnt sh

  # rootless: enter the user and mount namespaces of an unshare -r shell
  nstool nsenter -t 1234 -U -m --preserve-credentials sh`,
		Args:                  cobra.ArbitraryArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			opts.changed = cmd.Flags().Changed
			return runF(opts)
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false) // the program's own options are its own
	cli.UseGetopt(cmd, nsopt.NsenterOptstring, nsopt.NsenterLongopts)
	f.SortFlags = false
	nsexec.Register(f, nsopt.Nsenter[:], &opts.NS, opts.field)
	nsexec.RecordInOrder(f, inTurn(), &opts.inTurn)
	cli.CheckBeforeHelp(cmd, opts.checkInTurn)
	return cmd
}

// field is where an option of nsopt.Nsenter other than a namespace is kept.
func (o *Options) field(id nsopt.ID) any {
	return map[nsopt.ID]any{
		nsopt.All: &o.All, nsopt.Target: &o.Target, nsopt.SetUID: &o.SetUID, nsopt.SetGID: &o.SetGID,
		nsopt.PreserveCredentials: &o.PreserveCreds, nsopt.Root: &o.Root, nsopt.Wd: &o.Wd, nsopt.Wdns: &o.Wdns,
		nsopt.NoFork: &o.NoFork, nsopt.FollowContext: &o.FollowContext, nsopt.Explain: &o.Explain, nsopt.Version: &o.Version,
	}[id]
}

// inTurn are the options util-linux acts on as getopt returns them: -t,
// -S and -G (numbers), -W against -w, and every option with a FILE (the
// namespaces, -r, -w), which it opens there.
func inTurn() []string {
	names := []string{"target", "setuid", "setgid", "wdns"}
	for i := range nsopt.Nsenter {
		if o := &nsopt.Nsenter[i]; o.IsNamespace() || o.ID == nsopt.Root || o.ID == nsopt.Wd {
			long, _ := o.Names()
			names = append(names, long)
		}
	}
	return names
}

// checkInTurn is readInTurn with the FILEs opened: util-linux's checks of
// the options as it reads them, before anything else (and before -h or
// -V, which it acts on at their turn).
func (o *Options) checkInTurn() error {
	return o.readInTurn(&spawn.NsenterConfig{}, true)
}

// readInTurn reads the inTurn options into c as util-linux does, each in
// turn: -t, -S and -G as strtoul_or_err, kept to 32 bits (a pid_t printed
// with %u: "-1" is /proc/4294967295, 4294967296 is 0, no target); -w with
// -W refused; with open, a FILE opened, so that one that cannot be fails
// even when a later option replaces it. The first bad one fails, the last
// of each wins.
func (o *Options) readInTurn(c *spawn.NsenterConfig, open bool) error {
	what := map[string]string{"target": "failed to parse pid", "setuid": "failed to parse uid", "setgid": "failed to parse gid"}
	seen := map[string]bool{}
	for _, g := range o.inTurn {
		seen[g.Name] = true
		if seen["wd"] && seen["wdns"] {
			return cli.Exitf(1, "mutually exclusive arguments: --wdns --wd")
		}
		if what[g.Name] == "" {
			if file, ok := nsexec.OptionalValue(g.Value); ok && open && g.Name != "wdns" {
				if err := spawn.CanOpen(file); err != nil {
					return cli.Exitf(1, "%v", err)
				}
			}
			continue
		}
		n, err := cli.ParseID(g.Value, what[g.Name])
		if err != nil {
			return err
		}
		switch g.Name {
		case "target":
			c.Target = n
		case "setuid":
			c.SetUID = n
		default:
			c.SetGID = n
		}
	}
	return nil
}

// targetFile is the file an option opens: given alone anywhere (-m, -r),
// the target's, as util-linux opens those once all options are read, over
// the FILEs it opened in turn; else its last FILE.
func targetFile(f *nsexec.OptionalFile) spawn.TargetFile {
	if f.Bare {
		return spawn.TargetFile{}
	}
	return f.TargetFile()
}

// Config turns the options into an spawn.NsenterConfig.
func (o *Options) Config() (*spawn.NsenterConfig, error) {
	c := &spawn.NsenterConfig{Enter: map[uintptr]spawn.TargetFile{}, All: o.All, SetUID: -1, SetGID: -1,
		NoFork: o.NoFork, PreserveCreds: o.PreserveCreds}
	if err := o.readInTurn(c, false); err != nil {
		return nil, err
	}
	for t := range namespaces.Table {
		if o.NS[t].On {
			c.Enter[namespaces.Table[t].Flag] = targetFile(&o.NS[t])
		}
	}
	if o.Root.On {
		root := targetFile(&o.Root)
		c.Root = &root
	}
	if o.Wd.On {
		wd := targetFile(&o.Wd)
		c.Wd = &wd
	}
	if o.changed("wdns") {
		c.Wdns = &o.Wdns // (not with --wd: readInTurn)
	}
	if o.FollowContext {
		if err := followContext(selinuxEnabled(), c.Target != 0); err != nil {
			return nil, err
		}
	}
	c.Name, c.Argv, c.NoPathSearch = nsexec.Program(o.Args)
	c.Env = os.Environ()
	return c, nil
}

func run(ios *cli.IOStreams, o *Options) error {
	// util-linux checks each option as it reads it, and prints the version
	// at -V's turn (cli.Getopt drops what follows).
	if err := o.checkInTurn(); err != nil {
		return err
	}
	if o.Version {
		return cli.PrintVersion(ios.Out, "nsenter")
	}
	c, err := o.Config()
	if err != nil {
		return err
	}
	if err := c.Open(); err != nil {
		return cli.Exitf(1, "%v", err)
	}
	defer c.Close()
	sp := c.Spawn()
	explain := func(inProcess bool, why string) {
		if o.Explain {
			nsexec.Explain(ios.ErrOut, ios.StderrWidth(), sp, inProcess, why)
			if early.Takes(os.Args, os.Environ()) {
				nsexec.ExplainEarly(ios.ErrOut, ios.StderrWidth())
			}
		}
	}
	if c.InProcess() {
		// No user, time or pid namespace to enter: nstool enters them on
		// its own thread and becomes the program, as util-linux nsenter
		// does (same PID; see spawn.NsenterConfig.InProcess).
		explain(true, "no user, time or pid namespace: nstool calls unshare(CLONE_FS) on its own thread, enters there and becomes the program")
		return nsexec.EnterInPlace(sp)
	}
	if c.ParentEnters() && sp.ForkHere() {
		// A pid namespace, but no user or time namespace: nstool enters
		// on its own thread and forks the program, as util-linux nsenter.
		explain(false, "a pid namespace, no user or time namespace: nstool calls unshare(CLONE_FS) "+
			"on its own thread, enters there and forks the program (setns(2) into a pid namespace moves only children)")
		return nsexec.EnterAndFork(sp)
	}
	// Without a fork util-linux's nsenter *is* the program: nstool's child
	// plays it and dies with nstool. With a fork (entering a PID namespace)
	// util-linux's program is a child of nsenter and lives on when nsenter
	// is killed (SIGTERM: nsenter exits 143, the program goes on); here the
	// waiting parent dies with nstool and the program lives on the same way.
	if !c.EntersPID() || c.NoFork {
		sp.ParentDeathSignal = syscall.SIGKILL
	}
	explain(false, "setns(2) into a user or time namespace needs a single-threaded process: a child does every step")
	return nsexec.RunChild(sp, nil, true)
}
