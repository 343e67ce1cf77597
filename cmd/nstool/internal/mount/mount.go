// Package mount implements `nstool mount`: util-linux mount(8) for
// propagation changes, bind/rbind/move, remounts and new mounts, with
// --explain showing each mount(2) call and the propagation before and after.
package mount

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// Options is what the command line asked for.
type Options struct {
	IO *cli.IOStreams
	// OptList is every -o list and option-like flag (--make-*, -B, -R, -r,
	// -w) in command-line order, as util-linux builds its option string:
	// the order decides the order of the propagation calls.
	OptList []string
	Types   string // -t
	Move    bool   // -M
	Opers   []string
	Explain bool
	Verbose bool
	Fake    bool
	NoCanon bool
	All     bool
	Args    []string
}

// ExitFail is util-linux's exit code for a failed mount (MNT_EX_FAIL);
// ExitUsage is its code for bad usage and library checks (MNT_EX_USAGE).
const (
	ExitFail  = 32
	ExitUsage = 1
)

// NewCmd returns the `mount` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	opts := &Options{IO: ios}
	cmd := &cobra.Command{
		Use:   "mount [options] [SOURCE] TARGET",
		Short: "Mount filesystems and change propagation, as util-linux mount",
		Long: `Mount a filesystem, bind or move a subtree, or change the propagation type of
a mount point, exactly as util-linux mount(8) does: the same system calls in
the same order, the same messages and exit codes (32 when mount fails, 1 for
bad usage).

  --make-shared, --make-slave, --make-private, --make-unbindable and their
  recursive --make-r* forms change propagation (one mount(2) call each, in
  the order given; -o shared, -o rslave ... do the same).
  --bind/-B, --rbind/-R and --move/-M replicate or move a subtree;
  "--bind -o ro" binds and then remounts read-only (two calls), and
  "--make-shared --bind A B" binds, then changes the new mount's propagation.
  -t TYPE -o OPTIONS SOURCE TARGET mounts a new filesystem (tmpfs, proc,
  sysfs, overlay with lowerdir=,upperdir=,workdir=, any type in
  /proc/filesystems); the options are split into MS_* flags and
  filesystem data as mount(8) splits them. -o remount,... changes a mounted
  filesystem's options.

nstool never reads /etc/fstab: give both SOURCE and TARGET, or a single
mount point with a propagation option or -o remount. Without arguments it
lists the mounts, as mount(8) does.

--explain prints on stderr each system call in kernel terms and, after it,
the propagation of the mounts it touched (before → after, with peer-group
and master numbers) and the rule of the kernel's sharedsubtree.rst that
applied.`,
		Example: `  nstool mount --make-shared /lab/a
  nstool mount --explain --make-rslave /lab
  nstool mount --make-private --make-unbindable /lab/b
  nstool mount --bind /lab/a /lab/b
  nstool mount --rbind -o ro /lab/a /lab/c
  nstool mount --make-shared --bind /lab/a /lab/a
  nstool mount --move /lab/b /lab/c
  nstool mount -t tmpfs -o size=16m,mode=755 lab /lab
  nstool mount -t overlay -o lowerdir=/l,upperdir=/u,workdir=/w overlay /merged
  nstool mount -o remount,ro /lab/a`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			for _, name := range []string{"bind", "move", "rbind"} {
				if cmd.Flags().Changed(name) {
					opts.Opers = append(opts.Opers, name)
				}
			}
			return run(opts)
		},
	}
	cmd.SetFlagErrorFunc(GetoptError)
	f := cmd.Flags()
	f.SortFlags = false
	f.VarP(&listValue{list: &opts.OptList}, "options", "o", "comma-separated list of mount options")
	f.StringVarP(&opts.Types, "types", "t", "", "filesystem type (a comma list tries each)")
	addWord(f, &opts.OptList, "bind", "B", "bind", "mount a subtree somewhere else (same as -o bind)")
	addWord(f, &opts.OptList, "rbind", "R", "rbind", "mount a subtree and all submounts somewhere else")
	f.BoolVarP(&opts.Move, "move", "M", false, "move a subtree to some other place")
	for _, w := range []struct{ word, help string }{
		{"shared", "mark a subtree as shared"},
		{"slave", "mark a subtree as slave"},
		{"private", "mark a subtree as private"},
		{"unbindable", "mark a subtree as unbindable"},
		{"rshared", "recursively mark a whole subtree as shared"},
		{"rslave", "recursively mark a whole subtree as slave"},
		{"rprivate", "recursively mark a whole subtree as private"},
		{"runbindable", "recursively mark a whole subtree as unbindable"},
	} {
		addWord(f, &opts.OptList, "make-"+w.word, "", w.word, w.help)
	}
	addWord(f, &opts.OptList, "read-only", "r", "ro", "mount the filesystem read-only (same as -o ro)")
	addWord(f, &opts.OptList, "rw", "w", "rw", "mount the filesystem read-write (default)")
	addWord(f, &opts.OptList, "read-write", "", "rw", "same as --rw")
	mk := f.VarPF(&mkdirValue{list: &opts.OptList}, "mkdir", "m", "create the target directory if missing, with `mode` (default 0755; same as -o X-mount.mkdir)")
	mk.NoOptDefVal = "0755"
	f.BoolVar(&opts.Explain, "explain", false, "print each mount(2) call and the propagation before → after on stderr")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "say what is being done")
	f.BoolVarP(&opts.Fake, "fake", "f", false, "dry run: print what would be done (with --explain), skip the mount(2) calls")
	f.BoolVarP(&opts.NoCanon, "no-canonicalize", "c", false, "don't canonicalize paths")
	f.BoolP("no-mtab", "n", false, "accepted for compatibility (there is no /etc/mtab to write)")
	f.BoolVarP(&opts.All, "all", "a", false, "not supported: nstool does not read /etc/fstab")
	return cmd
}

// GetoptError words cobra's flag errors as glibc's getopt_long does for
// util-linux: "unrecognized option '--x'", "invalid option -- 'x'",
// "option requires an argument -- 't'", "option '--types' requires an
// argument"; exit 1.
func GetoptError(c *cobra.Command, err error) error {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "unknown flag: "); ok {
		msg = "unrecognized option '" + rest + "'"
	} else if rest, ok := strings.CutPrefix(msg, "unknown shorthand flag: "); ok {
		if i := strings.Index(rest, " in "); i > 0 {
			rest = rest[:i]
		}
		msg = "invalid option -- " + rest
	} else if rest, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		if i := strings.Index(rest, " in "); i > 0 {
			msg = "option requires an argument -- " + rest[:i]
		} else {
			msg = "option '" + rest + "' requires an argument"
		}
	}
	return cli.Usagef(ExitUsage, "%s", msg)
}

// listValue appends each -o argument to the shared ordered option list.
type listValue struct{ list *[]string }

func (v *listValue) String() string { return "" }
func (v *listValue) Type() string   { return "list" }
func (v *listValue) Set(s string) error {
	*v.list = append(*v.list, s)
	return nil
}

// wordValue is a boolean flag that appends its option word to the ordered
// list each time it is given (--make-shared → "shared").
type wordValue struct {
	list *[]string
	word string
}

func (v *wordValue) String() string   { return "false" }
func (v *wordValue) Type() string     { return "bool" }
func (v *wordValue) IsBoolFlag() bool { return true }
func (v *wordValue) Set(s string) error {
	if s == "true" {
		*v.list = append(*v.list, v.word)
	}
	return nil
}

// mkdirValue is -m/--mkdir[=mode]: it adds X-mount.mkdir=mode to the list.
type mkdirValue struct{ list *[]string }

func (v *mkdirValue) String() string { return "" }
func (v *mkdirValue) Type() string   { return "mode" }
func (v *mkdirValue) Set(s string) error {
	*v.list = append(*v.list, "X-mount.mkdir="+s)
	return nil
}

func addWord(f *pflag.FlagSet, list *[]string, name, short, word, usage string) {
	fl := f.VarPF(&wordValue{list: list, word: word}, name, short, usage)
	fl.NoOptDefVal = "true"
}
