// Package mount implements `nstool mount`: util-linux mount(8) for
// propagation changes, bind/rbind/move, remounts and new mounts, with
// --explain showing each mount(2) call and the propagation before and after.
package mount

import (
	"os"

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
	// TypesGiven: -t was given, empty or not (`-t ''` is the type "", which
	// the kernel refuses, not "no type").
	TypesGiven bool
	Version    bool // -V
	// ShowLabels (-l) adds each listed filesystem's label, " [LABEL]".
	ShowLabels bool
	// Source and Target (--source, --target) name the two arguments
	// explicitly; SourceGiven and TargetGiven say they were given.
	Source, Target           string
	SourceGiven, TargetGiven bool
	// Namespace (-N PID|FILE): everything is done in that mount namespace.
	Namespace      string
	NamespaceGiven bool
	Move           bool // -M
	Opers          []string
	// Propa: a --make-* flag was given. mount(8) then never looks the one
	// argument up in fstab (-o shared does not count).
	Propa bool
	// NoMtab (-n): there is no mtab to write; it also makes a one-path
	// --move a call (of "none"), as in util-linux.
	NoMtab bool
	// TargetPrefix (--target-prefix DIR) is put before the target.
	TargetPrefix      string
	TargetPrefixGiven bool
	// OptionsMode and OptionsSource (--options-mode, --options-source)
	// say how fstab's options combine with -o: nstool reads no fstab, so
	// they are only checked; OptionsSourceForce (--options-source-force)
	// makes mount(8) look a new mount up in fstab.
	OptionsMode, OptionsSource string
	OptionsSourceForce         bool
	OptionsModeGiven           bool
	// Fstabs are -T's files: nstool looks nothing up in them, but, as
	// mount(8), refuses one that is not a file or a directory of them.
	Fstabs      []string
	sourceFlags []string // which of -L, -U, --source were given
	// Restricted: a user's mount(8) (setuid) that has not dropped its
	// privileges yet: every option so far is one of "hlLUVvrist",
	// --source or --target. It canonicalizes paths before an fstab
	// lookup.
	Restricted bool
	// argIsSource: the one argument is --source's (or -L's, -U's), for a
	// remount of that source's mount.
	argIsSource bool
	Explain     bool
	Verbose     bool
	Fake        bool
	NoCanon     bool
	All         bool
	Args        []string
}

// restrictedFlags are the options a user's mount(8) takes without dropping
// its setuid privileges.
var restrictedFlags = map[string]bool{"help": true, "show-labels": true, "label": true, "uuid": true, "version": true,
	"verbose": true, "read-only": true, "internal-only": true, "sloppy": true, "types": true, "source": true, "target": true}

// makeWords are the propagation flags, --make-WORD.
var makeWords = []struct{ word, help string }{
	{"shared", "mark a subtree as shared"},
	{"slave", "mark a subtree as slave"},
	{"private", "mark a subtree as private"},
	{"unbindable", "mark a subtree as unbindable"},
	{"rshared", "recursively mark a whole subtree as shared"},
	{"rslave", "recursively mark a whole subtree as slave"},
	{"rprivate", "recursively mark a whole subtree as private"},
	{"runbindable", "recursively mark a whole subtree as unbindable"},
}

// NewCmd returns the `mount` command.
func NewCmd(ios *cli.IOStreams) *cobra.Command {
	return newCmd(ios, run)
}

// newCmd builds the command with runF as its action (tests pass their own).
func newCmd(ios *cli.IOStreams, runF func(*Options) error) *cobra.Command {
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
mount point with a propagation option or -o remount. Any other single path
gets what util-linux says of a path /etc/fstab does not list ("can't find
in /etc/fstab.", exit 1). Without arguments it lists the mounts, as
mount(8) does.

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
			opts.TypesGiven = cmd.Flags().Changed("types")
			opts.SourceGiven, opts.TargetGiven = cmd.Flags().Changed("source"), cmd.Flags().Changed("target")
			opts.NamespaceGiven = cmd.Flags().Changed("namespace")
			opts.TargetPrefixGiven = cmd.Flags().Changed("target-prefix")
			opts.OptionsModeGiven = cmd.Flags().Changed("options-mode")
			for _, name := range []string{"label", "uuid", "source"} {
				if cmd.Flags().Changed(name) {
					opts.sourceFlags = append(opts.sourceFlags, name)
				}
			}
			opts.SourceGiven = len(opts.sourceFlags) > 0 // -L and -U set the source too
			opts.Restricted = os.Geteuid() != 0
			cmd.Flags().Visit(func(f *pflag.Flag) {
				opts.Restricted = opts.Restricted && restrictedFlags[f.Name]
			})
			for _, w := range makeWords {
				opts.Propa = opts.Propa || cmd.Flags().Changed("make-"+w.word)
			}
			for _, name := range []string{"bind", "move", "rbind"} {
				if cmd.Flags().Changed(name) {
					opts.Opers = append(opts.Opers, name)
				}
			}
			return runF(opts)
		},
	}
	// util-linux 2.38's longopts: --ro and --read-only are one option, as are --rw and --read-write.
	cmd.SetFlagErrorFunc(cli.GetoptError)
	cli.UseGetopt(cmd, "acfhilm::no:rst:vwBFL:MN:O:RT:U:V", "all fake fstab fork help no-mtab read-only:r ro:r verbose version read-write:w rw:w "+
		"options test-opts types uuid label bind move rbind make-shared make-slave make-private make-unbindable "+
		"make-rshared make-rslave make-rprivate make-runbindable mkdir no-canonicalize internal-only show-labels "+
		"target target-prefix source options-mode options-source options-source-force namespace")
	f := cmd.Flags()
	f.SortFlags = false
	f.VarP(&listValue{list: &opts.OptList}, "options", "o", "comma-separated list of mount options")
	f.StringVarP(&opts.Types, "types", "t", "", "filesystem type (a comma list tries each)")
	f.BoolVarP(&opts.Version, "version", "V", false, "display version (mount from nstool VERSION)")
	f.BoolVarP(&opts.ShowLabels, "show-labels", "l", false, "show also filesystem labels when listing")
	f.StringVar(&opts.Source, "source", "", "explicitly specifies the source (path, label, uuid)")
	f.StringVar(&opts.Target, "target", "", "explicitly specifies the mountpoint")
	f.VarP(&tagValue{tag: "LABEL", source: &opts.Source}, "label", "L", "synonym for LABEL=`label` as the source")
	f.VarP(&tagValue{tag: "UUID", source: &opts.Source}, "uuid", "U", "synonym for UUID=`uuid` as the source")
	f.StringVar(&opts.TargetPrefix, "target-prefix", "", "specifies path used for all mountpoints")
	f.StringVarP(&opts.Namespace, "namespace", "N", "", "perform mount in another mount namespace (`PID` or an nsfs file)")
	addWord(f, &opts.OptList, "bind", "B", "bind", "mount a subtree somewhere else (same as -o bind)")
	addWord(f, &opts.OptList, "rbind", "R", "rbind", "mount a subtree and all submounts somewhere else")
	f.BoolVarP(&opts.Move, "move", "M", false, "move a subtree to some other place")
	for _, w := range makeWords {
		addWord(f, &opts.OptList, "make-"+w.word, "", w.word, w.help)
	}
	addWord(f, &opts.OptList, "read-only", "r", "ro", "mount the filesystem read-only (same as -o ro)")
	addWord(f, &opts.OptList, "rw", "w", "rw", "mount the filesystem read-write (default)")
	addWord(f, &opts.OptList, "read-write", "", "rw", "same as --rw")
	mk := f.VarPF(&mkdirValue{list: &opts.OptList}, "mkdir", "m", "create the target directory if missing, with `mode` (default 0755; same as -o X-mount.mkdir)")
	mk.NoOptDefVal = mkdirDefault
	f.BoolVar(&opts.Explain, "explain", false, "print each mount(2) call and the propagation before → after on stderr")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "say what is being done")
	f.BoolVarP(&opts.Fake, "fake", "f", false, "dry run: skip the mount(2) calls (with --explain: each call and the predicted propagation before → after)")
	f.BoolVarP(&opts.NoCanon, "no-canonicalize", "c", false, "don't canonicalize paths")
	f.BoolVarP(&opts.NoMtab, "no-mtab", "n", false, "accepted for compatibility (there is no /etc/mtab to write)")
	f.BoolVarP(&opts.All, "all", "a", false, "not supported: nstool does not read /etc/fstab")
	// What only -a, fstab or mount.TYPE helpers use: accepted, as
	// mount(8) accepts them for a mount that needs none of those.
	f.BoolP("fork", "F", false, "fork off for each device (use with -a, which nstool has not: accepted)")
	f.BoolP("internal-only", "i", false, "don't call the mount.<type> helpers (nstool never does)")
	f.BoolP("sloppy", "s", false, "tolerate sloppy mount options rather than failing (for helpers: accepted)")
	cli.ShortOnly(f.Lookup("sloppy")) // util-linux has -s and no --sloppy
	f.StringP("test-opts", "O", "", "limit the set of filesystems (use with -a, which nstool has not: accepted)")
	f.StringArrayVarP(&opts.Fstabs, "fstab", "T", nil, "alternative fstab `path` (checked, never read: nstool looks nothing up in fstab)")
	f.StringVar(&opts.OptionsMode, "options-mode", "", "what to do with options loaded from fstab (ignore, append, prepend, replace; nstool reads no fstab)")
	f.StringVar(&opts.OptionsSource, "options-source", "", "mount options source (comma list of fstab, mtab, disable; nstool reads no fstab)")
	f.BoolVar(&opts.OptionsSourceForce, "options-source-force", false, "force use of options from fstab/mtab")
	return cmd
}
