// Package nsopt is the option table of `nstool unshare` and `nstool
// nsenter`: the one place an option is named, lettered and described. The
// cobra commands register their flags from it (help, completion, the
// generated docs) and the pre-runtime parser (cmd/nstool/internal/early)
// reads command lines with it.
//
// The tables are static data: constants only, so that the linker lays them
// out and no init function writes them. The pre-runtime parser runs before
// Go's runtime has initialised any package: a table that needed an init
// function would read as zeros there (early.TestStartNeedsNoRuntime checks).
package nsopt

import "github.com/nstool/nstool/nsutil/namespaces"

// Arg is how an option takes its value.
type Arg uint8

const (
	// None: --fork, -f.
	None Arg = iota
	// Required: --propagation WORD, --propagation=WORD, -S0, -S 0.
	Required
	// Optional: getopt's optional argument, only attached with "="
	// (--mount=FILE); alone (--mount, -m) it stands for Bare.
	Optional
)

// ID says what an option sets: the index of its setter in each start (a
// field of the command's Options, a case of the early parser). The IDs
// below NumTypes are the namespace options, by namespaces.Type.
type ID uint8

// The IDs of options that are no namespace option.
const (
	Fork ID = ID(namespaces.NumTypes) + iota
	MapUser
	MapGroup
	MapRootUser
	MapCurrentUser
	KillChild
	MountProc
	Propagation
	Setgroups
	KeepCaps
	Root
	Wd
	SetUID
	SetGID
	Monotonic
	Boottime
	Explain
	All
	Target
	PreserveCredentials
	Wdns
	NoFork
	Version
	MapUsers
	MapGroups
	MapAuto
	FollowContext
)

// Option is one option of a command.
type Option struct {
	// Long and Short name it (Short 0: none); a namespace option's come from
	// namespaces.Table (Names).
	Long  string
	Short byte
	Arg   Arg
	ID    ID
	// Bare is the value of an Optional option given alone ("" for a
	// namespace or directory option: "no file").
	Bare string
	// Default is the value when the option is not given (for help).
	Default string
	// Usage is help's text; a `word` in it names the value (pflag).
	Usage string
}

// IsNamespace reports whether the option names a namespace type (ID).
//
//go:nosplit
func (o *Option) IsNamespace() bool { return o.ID < ID(namespaces.NumTypes) }

// Names are the long name and letter.
//
//go:nosplit
func (o *Option) Names() (long string, short byte) {
	if o.IsNamespace() {
		ns := &namespaces.Table[o.ID]
		return ns.Option, ns.Letter
	}
	return o.Long, o.Short
}

// UnshareOptstring and NsenterOptstring are util-linux 2.38's short
// options as getopt_long takes them (cli.UseGetopt): unshare's letters
// take no optional argument (-mu is -m -u), nsenter's namespace letters
// and -r, -w do (-m/proc/1/ns/mnt; -mu is -m with "u").
const (
	UnshareOptstring = "+cfhimnpruw:CG:R:S:TUV"
	NsenterOptstring = "+ahi::m::n::p::r::t:u::w::C::FG:S:T::U::VW:Z"
)

// UnshareLongopts and NsenterLongopts are util-linux 2.38's long option
// names in the order of its longopts array: getopt_long's order, in which
// it lists an ambiguous prefix's possibilities (cli.UseGetopt; the early
// parser reads them too). nstool has each of them now (--map-users,
// --map-groups, --map-auto, --follow-context last); a name it lacked would
// still make a prefix ambiguous.
const (
	UnshareLongopts = "help version mount uts ipc net pid user cgroup time fork kill-child mount-proc " +
		"map-user map-users map-group map-groups map-root-user map-current-user map-auto propagation " +
		"setgroups keep-caps setuid setgid root wd monotonic boottime"
	NsenterLongopts = "all help version target mount uts ipc net pid user cgroup time setuid setgid root wd " +
		"wdns no-fork preserve-credentials follow-context"
)

// Unshare is util-linux unshare's options, in its help's order.
var Unshare = [...]Option{
	{ID: ID(namespaces.Mnt), Arg: Optional, Usage: "unshare mounts namespace; =FILE keeps it"},
	{ID: ID(namespaces.Uts), Arg: Optional, Usage: "unshare UTS namespace (hostname etc); =FILE keeps it"},
	{ID: ID(namespaces.Ipc), Arg: Optional, Usage: "unshare System V IPC namespace; =FILE keeps it"},
	{ID: ID(namespaces.Net), Arg: Optional, Usage: "unshare network namespace; =FILE keeps it"},
	{ID: ID(namespaces.Pid), Arg: Optional, Usage: "unshare pid namespace; =FILE keeps it"},
	{ID: ID(namespaces.User), Arg: Optional, Usage: "unshare user namespace; =FILE keeps it"},
	{ID: ID(namespaces.Cgroup), Arg: Optional, Usage: "unshare cgroup namespace; =FILE keeps it"},
	{ID: ID(namespaces.Time), Arg: Optional, Usage: "unshare time namespace; =FILE keeps it"},
	{Long: "fork", Short: 'f', ID: Fork, Usage: "fork before launching <program>"},
	{Long: "map-user", ID: MapUser, Arg: Required, Usage: "map current user to `uid|name` (implies --user)"},
	{Long: "map-group", ID: MapGroup, Arg: Required, Usage: "map current group to `gid|name` (implies --user)"},
	{Long: "map-root-user", Short: 'r', ID: MapRootUser, Usage: "map current user to root (implies --user)"},
	{Long: "map-current-user", Short: 'c', ID: MapCurrentUser, Usage: "map current user to itself (implies --user)"},
	{Long: "map-auto", ID: MapAuto, Usage: "map users and groups automatically: --map-users=auto --map-groups=auto (implies --user)"},
	{Long: "map-users", ID: MapUsers, Arg: Required,
		Usage: "map `outeruid,inneruid,count|auto`: count users from outeruid to inneruid, by newuidmap(1); auto: /etc/subuid's first range at 0 (implies --user)"},
	{Long: "map-groups", ID: MapGroups, Arg: Required,
		Usage: "map `outergid,innergid,count|auto`: count groups from outergid to innergid, by newgidmap(1); auto: /etc/subgid's first range at 0 (implies --user)"},
	{Long: "kill-child", ID: KillChild, Arg: Optional, Bare: "SIGKILL",
		Usage: "when dying, kill the forked child with `signame` (implies --fork; default SIGKILL)"},
	{Long: "mount-proc", ID: MountProc, Arg: Optional, Bare: "/proc", Usage: "mount proc filesystem first on `dir` (implies --mount)"},
	{Long: "propagation", ID: Propagation, Arg: Required, Default: "private",
		Usage: "modify mount propagation in mount namespace: `slave|shared|private|unchanged`"},
	{Long: "setgroups", ID: Setgroups, Arg: Required, Usage: "control the setgroups syscall in user namespaces: `allow|deny`"},
	{Long: "keep-caps", ID: KeepCaps, Usage: "retain capabilities granted in user namespaces"},
	{Long: "root", Short: 'R', ID: Root, Arg: Required, Usage: "run the command with root directory set to `dir`"},
	{Long: "wd", Short: 'w', ID: Wd, Arg: Required, Usage: "change working directory to `dir`"},
	{Long: "setuid", Short: 'S', ID: SetUID, Arg: Required, Usage: "set `uid` in entered namespace"},
	{Long: "setgid", Short: 'G', ID: SetGID, Arg: Required, Usage: "set `gid` in entered namespace"},
	{Long: "monotonic", ID: Monotonic, Arg: Required, Usage: "set clock monotonic `offset` (seconds) in time namespaces"},
	{Long: "boottime", ID: Boottime, Arg: Required, Usage: "set clock boottime `offset` (seconds) in time namespaces"},
	{Long: "explain", ID: Explain, Usage: "print each step in kernel terms on stderr before making it"},
	{Long: "version", Short: 'V', ID: Version, Usage: "display version (unshare from nstool VERSION)"},
}

// Nsenter is util-linux nsenter's options, in its help's order.
var Nsenter = [...]Option{
	{Long: "all", Short: 'a', ID: All, Usage: "enter all namespaces"},
	{Long: "target", Short: 't', ID: Target, Arg: Required, Usage: "target process to get namespaces from (`pid`)"},
	{ID: ID(namespaces.Mnt), Arg: Optional, Usage: "enter mount namespace; =FILE: the one FILE names"},
	{ID: ID(namespaces.Uts), Arg: Optional, Usage: "enter UTS namespace (hostname etc); =FILE: the one FILE names"},
	{ID: ID(namespaces.Ipc), Arg: Optional, Usage: "enter System V IPC namespace; =FILE: the one FILE names"},
	{ID: ID(namespaces.Net), Arg: Optional, Usage: "enter network namespace; =FILE: the one FILE names"},
	{ID: ID(namespaces.Pid), Arg: Optional, Usage: "enter pid namespace; =FILE: the one FILE names"},
	{ID: ID(namespaces.Cgroup), Arg: Optional, Usage: "enter cgroup namespace; =FILE: the one FILE names"},
	{ID: ID(namespaces.User), Arg: Optional, Usage: "enter user namespace; =FILE: the one FILE names"},
	{ID: ID(namespaces.Time), Arg: Optional, Usage: "enter time namespace; =FILE: the one FILE names"},
	{Long: "setuid", Short: 'S', ID: SetUID, Arg: Required, Usage: "set `uid` in entered namespace"},
	{Long: "setgid", Short: 'G', ID: SetGID, Arg: Required, Usage: "set `gid` in entered namespace"},
	{Long: "preserve-credentials", ID: PreserveCredentials, Usage: "do not touch uids or gids"},
	{Long: "root", Short: 'r', ID: Root, Arg: Optional, Usage: "set the root directory (--root=DIR; default: the target's)"},
	{Long: "wd", Short: 'w', ID: Wd, Arg: Optional, Usage: "set the working directory (--wd=DIR; default: the target's)"},
	{Long: "wdns", Short: 'W', ID: Wdns, Arg: Required, Usage: "set the working directory in namespace to `dir`"},
	{Long: "no-fork", Short: 'F', ID: NoFork, Usage: "do not fork before exec'ing <program>"},
	{Long: "follow-context", Short: 'Z', ID: FollowContext,
		Usage: "set SELinux context according to --target PID: nothing to do where SELinux is off; where it is on, nstool refuses (it does not set SELinux contexts)"},
	{Long: "explain", ID: Explain, Usage: "print each step in kernel terms on stderr before making it"},
	{Long: "version", Short: 'V', ID: Version, Usage: "display version (nsenter from nstool VERSION)"},
}
