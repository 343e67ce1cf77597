// Package unshare implements `nstool unshare`: util-linux unshare(1), with
// --explain showing each step in kernel terms.
package unshare

import (
	"errors"
	"os"
	"os/user"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/early"
	"github.com/nstool/nstool/cmd/nstool/internal/nsexec"
	"github.com/nstool/nstool/cmd/nstool/internal/nsopt"
	"github.com/nstool/nstool/nsutil/mountopt"
	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/spawn"
)

// Options are the parsed command line.
type Options struct {
	NS          [namespaces.NumTypes]nsexec.OptionalFile // by namespaces.Type
	Fork        bool
	KillChild   string
	MountProc   string
	MapRoot     bool
	MapCurrent  bool
	MapUser     string
	MapGroup    string
	MapUsers    string // --map-users: OUTER,INNER,COUNT or auto
	MapGroups   string
	MapAuto     bool
	Propagation string
	Setgroups   string
	Root, Wd    string
	SetUID      string
	SetGID      string
	Monotonic   string
	Boottime    string
	KeepCaps    bool
	Explain     bool
	Version     bool // -V: "unshare from nstool VERSION"
	Args        []string

	changed func(name string) bool
	// order lists the options whose values util-linux checks (inOrder)
	// in command-line order, each time given: as in util-linux, each is
	// taken in turn, so the first bad one is the one reported (a bad name
	// fails even when a later option overrides it) and the last to set
	// the uid (gid) wins.
	order []nsexec.Given
}

// inOrder are the options util-linux checks as it reads them.
var inOrder = []string{"map-user", "map-group", "map-root-user", "map-current-user", "map-users", "map-groups", "map-auto",
	"kill-child", "propagation", "setgroups", "setuid", "setgid", "monotonic", "boottime"}

// NewCmd returns the `unshare` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	return newCmd(ios, func(o *Options) error { return run(ios, o) })
}

// newCmd builds the command with runF as its action (tests pass their own).
func newCmd(ios *cli.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "unshare [options] [program [arguments...]]",
		Short: "Run a program with some namespaces unshared from the parent, as util-linux unshare",
		Long: `Run a program with some namespaces unshared from the parent, exactly as
util-linux unshare(1): the same options, order of operations, messages and
exit codes. Each namespace option takes an optional =FILE that keeps the
namespace alive by bind-mounting /proc/PID/ns/TYPE onto FILE.

In a new mount namespace / is made recursively private unless --propagation
says otherwise (shared, slave or unchanged). The program defaults to $SHELL
(else /bin/sh). Exit status: the program's; 127 when it cannot be found, 126
when it cannot be executed, 1 when unshare itself fails; with --fork, a
program killed by a signal makes nstool die of the same signal.

--explain prints every step on stderr in kernel terms (unshare(2) flags,
uid_map lines, the propagation mount(2), the proc mount, the exec) before
making it.

--map-users, --map-groups and --map-auto map ranges of IDs as util-linux
does, through newuidmap(1) and newgidmap(1) (package uidmap), which check
them against /etc/subuid and /etc/subgid; auto takes the user's first range
there and maps it at 0 (for root: the first line named by root, 0, or any
name that is not a number, as util-linux 2.38 reads the file).

Start-up: with every option but a namespace file to keep (--mount=FILE and
friends), --kill-child, the ranges of IDs (newuidmap must run while nstool
waits) and --explain, nstool does the work before Go's runtime starts, in
one process as util-linux does (the program keeps nstool's PID) and as
fast; NSTOOL_EARLY=off in the environment turns that off.`,
		Example: `  # a shell in a new mount namespace whose mounts stay shared with the host's
  nstool unshare --mount --propagation=shared bash

  # a container-like PID 1 with its own /proc
  nstool unshare --fork --pid --mount-proc ps -ef

  # rootless: be root in a new user namespace
  nstool unshare --user --map-root-user --mount id

  # keep the mount namespace after the program ends (on a private mount), enter it later
  mkdir -p /root/ns && mount --bind /root/ns /root/ns && mount --make-private /root/ns
  touch /root/ns/mnt && nstool unshare --mount=/root/ns/mnt true
  nstool nsenter --mount=/root/ns/mnt findmnt

  # what would it do?
  nstool unshare --explain --fork --pid --mount-proc true`,
		Args:                  cobra.ArbitraryArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			opts.changed = func(name string) bool { return cmd.Flags().Changed(name) }
			return runF(opts)
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false) // `unshare -m ls -la`: everything after the program is its own
	cli.UseGetopt(cmd, nsopt.UnshareOptstring, nsopt.UnshareLongopts)
	f.SortFlags = false
	nsexec.Register(f, nsopt.Unshare[:], &opts.NS, opts.field)
	nsexec.RecordInOrder(f, inOrder, &opts.order)
	cli.CheckBeforeHelp(cmd, opts.checkInTurn)
	for _, name := range []string{"map-users", "map-groups"} { // OUTER,INNER,COUNT is the user's to type
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions([]string{"auto"}, cobra.ShellCompDirectiveNoFileComp))
	}
	return cmd
}

// field is where an option of nsopt.Unshare other than a namespace is kept.
func (o *Options) field(id nsopt.ID) any {
	return map[nsopt.ID]any{
		nsopt.Fork: &o.Fork, nsopt.MapUser: &o.MapUser, nsopt.MapGroup: &o.MapGroup, nsopt.MapRootUser: &o.MapRoot,
		nsopt.MapCurrentUser: &o.MapCurrent, nsopt.MapUsers: &o.MapUsers, nsopt.MapGroups: &o.MapGroups, nsopt.MapAuto: &o.MapAuto,
		nsopt.KillChild: &o.KillChild, nsopt.MountProc: &o.MountProc,
		nsopt.Propagation: &o.Propagation, nsopt.Setgroups: &o.Setgroups, nsopt.KeepCaps: &o.KeepCaps,
		nsopt.Root: &o.Root, nsopt.Wd: &o.Wd, nsopt.SetUID: &o.SetUID, nsopt.SetGID: &o.SetGID,
		nsopt.Monotonic: &o.Monotonic, nsopt.Boottime: &o.Boottime, nsopt.Explain: &o.Explain, nsopt.Version: &o.Version,
	}[id]
}

// lookupID is util-linux get_user/get_group: a name from the user database,
// else a number.
func lookupID(s string, group bool) (int, error) {
	if group {
		if g, err := user.LookupGroup(s); err == nil {
			return strconv.Atoi(g.Gid)
		}
		return cli.ParseID(s, "failed to parse gid")
	}
	if u, err := user.Lookup(s); err == nil {
		return strconv.Atoi(u.Uid)
	}
	return cli.ParseID(s, "failed to parse uid")
}

// Config turns the options into an spawn.UnshareConfig, checking them as
// util-linux does.
func (o *Options) Config() (*spawn.UnshareConfig, error) {
	c := &spawn.UnshareConfig{Persist: map[uintptr]string{}, MapUser: -1, MapGroup: -1, SetUID: -1, SetGID: -1,
		RealUID: os.Geteuid(), RealGID: os.Getegid(), Fork: o.Fork, Propagation: mountopt.PropagationPrivate}
	for t := range namespaces.Table {
		if ns := &namespaces.Table[t]; o.NS[t].On {
			c.Flags |= ns.Flag
			if o.NS[t].HasFile {
				c.Persist[ns.Flag] = o.NS[t].File
			}
		}
	}
	if o.changed("mount-proc") {
		c.Flags |= unix.CLONE_NEWNS
		c.MountProc = &o.MountProc // --mount-proc= is "" (mount(2) then fails, as util-linux's does)
	}
	if err := o.takeInTurn(c); err != nil {
		return nil, err
	}
	// util-linux's checks once all options are read.
	if (c.Monotonic != nil || c.Boottime != nil) && c.Flags&unix.CLONE_NEWTIME == 0 {
		return nil, cli.Exitf(1, "options --monotonic and --boottime require unsharing of a time namespace (-t)")
	}
	if c.MapGroup >= 0 && c.GroupRange == nil && c.Setgroups == "allow" {
		return nil, cli.Exitf(1, "options --setgroups=allow and --map-group are mutually exclusive")
	}
	if o.changed("root") {
		c.Root = &o.Root
	}
	if o.changed("wd") {
		c.Wd = &o.Wd
	}
	c.KeepCaps = o.KeepCaps
	c.Name, c.Argv, c.NoPathSearch = nsexec.Program(o.Args)
	c.Env = os.Environ()
	return c, nil
}

// takeInTurn reads the options util-linux checks as getopt returns them
// (inOrder) into c.
func (o *Options) takeInTurn(c *spawn.UnshareConfig) error {
	for _, g := range o.order {
		if err := take(c, g); err != nil {
			return err
		}
	}
	return nil
}

// checkInTurn is takeInTurn for its errors only: util-linux's checks of
// the options before -V or --help, which it acts on at their turn.
func (o *Options) checkInTurn() error {
	return o.takeInTurn(&spawn.UnshareConfig{RealUID: os.Geteuid(), RealGID: os.Getegid()})
}

// take is util-linux's reading of one option that it checks (inOrder),
// into c.
func take(c *spawn.UnshareConfig, g nsexec.Given) error {
	var err error
	on, _ := strconv.ParseBool(g.Value) // -r, -c, --map-auto (pflag has checked it)
	switch g.Name {
	case "propagation":
		var ok bool
		if c.Propagation, ok = mountopt.PropagationFlags(g.Value); !ok {
			return cli.Exitf(1, "unsupported propagation mode: %s", g.Value)
		}
		return nil
	case "setgroups":
		if g.Value != "allow" && g.Value != "deny" {
			return cli.Exitf(1, "unsupported --setgroups argument '%s'", g.Value)
		}
		c.Setgroups = g.Value
		return nil
	case "kill-child":
		sig, ok := signalByName(g.Value)
		if !ok {
			return cli.Exitf(1, "unknown signal: %s", g.Value)
		}
		c.Fork, c.KillChild = true, sig
		return nil
	case "setuid":
		c.SetUID, err = cli.ParseID(g.Value, "failed to parse uid")
		return err
	case "setgid":
		c.SetGID, err = cli.ParseID(g.Value, "failed to parse gid")
		return err
	case "monotonic", "boottime":
		n, err := cli.ParseInt64(g.Value, "failed to parse "+g.Name+" offset")
		if g.Name == "monotonic" {
			c.Monotonic = &n
		} else {
			c.Boottime = &n
		}
		return err
	case "map-user":
		c.MapUser, err = lookupID(g.Value, false)
	case "map-group":
		c.MapGroup, err = lookupID(g.Value, true)
	case "map-users": // the files are read here, in turn, as util-linux reads them
		c.UserRange, err = mapRange(g.Value, subUIDFile, c.RealUID)
	case "map-groups":
		c.GroupRange, err = mapRange(g.Value, subGIDFile, c.RealUID) // the user's ranges of groups
	case "map-root-user", "map-current-user", "map-auto":
		if !on {
			return nil // --map-root-user=false (pflag's reading)
		}
		switch g.Name {
		case "map-root-user":
			c.MapUser, c.MapGroup = 0, 0
		case "map-current-user":
			c.MapUser, c.MapGroup = c.RealUID, c.RealGID
		default:
			if c.UserRange, err = subIDRange(subUIDFile, c.RealUID); err == nil {
				c.GroupRange, err = subIDRange(subGIDFile, c.RealUID)
			}
		}
	}
	if err != nil {
		return err
	}
	// (uid_t)-1 is util-linux's "no mapping": --map-user=-1 makes the
	// user namespace and maps nothing.
	if c.MapUser == 1<<32-1 {
		c.MapUser = -1
	}
	if c.MapGroup == 1<<32-1 {
		c.MapGroup = -1
	}
	c.Flags |= unix.CLONE_NEWUSER
	return nil
}

func run(ios *cli.IOStreams, o *Options) error {
	if o.Version {
		// util-linux prints it at -V's turn: the options before it
		// (cli.Getopt drops those after) are checked first.
		if err := o.checkInTurn(); err != nil {
			return err
		}
		return cli.PrintVersion(ios.Out, "unshare")
	}
	c, err := o.Config()
	if err != nil {
		return err
	}
	sp := c.Spawn()
	inPlace := c.InProcess()
	if !inPlace && !c.Fork {
		// The program is nstool's child here, not nstool itself: let it
		// die with nstool as util-linux's program would.
		sp.ParentDeathSignal = syscall.SIGKILL
	}
	if o.Explain {
		nsexec.Explain(ios.ErrOut, ios.StderrWidth(), sp, inPlace, why(c))
		if early.Takes(os.Args, os.Environ()) {
			nsexec.ExplainEarly(ios.ErrOut, ios.StderrWidth())
		}
	}
	pause := pauser(c)
	if inPlace {
		return hint(c, nsexec.RunInPlace(sp, pause))
	}
	return hint(c, nsexec.RunChild(sp, pause, !c.Fork))
}

// why says, for --explain, how the work is split between processes.
func why(c *spawn.UnshareConfig) string {
	switch {
	case c.Flags&unix.CLONE_NEWUSER != 0:
		return "unshare(2) refuses CLONE_NEWUSER to a multithreaded process (Go): a single-threaded child does every step"
	case c.ParentUnshares():
		return "--fork: nstool unshares on its own thread, then forks the program, like util-linux unshare"
	case !c.InProcess():
		return "time offsets are written to /proc/self/timens_offsets of a single-threaded child"
	}
	return "no user namespace, no --fork: nstool unshares on its own thread and becomes the program"
}

// pauser answers the child's pauses: at spawn.MapIDs it runs newuidmap
// and newgidmap (runIDMaps), at the others it binds the namespace files
// (persister).
func pauser(c *spawn.UnshareConfig) nsexec.Paused {
	persist := persister(c)
	if c.UserRange == nil && c.GroupRange == nil {
		return persist
	}
	return func(procDir string, phase int) (bool, int, error) {
		if phase == spawn.MapIDs {
			return false, 0, runIDMaps(c, procDir)
		}
		return persist(procDir, phase)
	}
}

// persister binds the namespace files when the namespaces exist. When the
// kernel refuses the mount namespace for its ID (see
// spawn.BindNamespaceFiles) it asks for it again on each CPU in turn.
func persister(c *spawn.UnshareConfig) nsexec.Paused {
	if len(c.Persist) == 0 {
		return nil
	}
	done := map[uintptr]bool{}
	var cpus []int
	var set unix.CPUSet
	if unix.SchedGetaffinity(0, &set) == nil {
		for i := 0; i < len(set)*64; i++ {
			if set.IsSet(i) {
				cpus = append(cpus, i)
			}
		}
	}
	tries := 0
	return func(procDir string, phase int) (bool, int, error) {
		err := spawn.BindNamespaceFiles(procDir, c.PersistFiles(phase), done)
		if errors.Is(err, spawn.ErrPersistAgain) && phase == spawn.PersistNamespaces && tries < 3*len(cpus) {
			tries++
			return true, cpus[tries%len(cpus)], nil
		}
		return false, 0, err
	}
}

// hint adds, to a refused unshare(2) by a non-root user, how to do it
// without root.
func hint(c *spawn.UnshareConfig, err error) error {
	var se *spawn.SpawnError
	if errors.As(err, &se) && se.Step == "unshare failed" && se.Errno == syscall.EPERM &&
		c.Flags&unix.CLONE_NEWUSER == 0 && os.Geteuid() != 0 {
		return cli.Exitf(1, "%v (need root: try `nstool unshare --user --map-root-user ...`)", se)
	}
	return err
}
