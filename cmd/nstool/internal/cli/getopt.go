package cli

import (
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// util-linux's commands read their command lines with glibc's getopt_long;
// scripts depend on its rules, which pflag does not follow: a long option
// may be given by any unique prefix (--propa=shared), an optional argument
// is only ever attached (-m/proc/1/ns/mnt, -mu is -m with "u", --mount=F;
// --mount F is --mount and then the word F), a required one is the rest of
// a cluster or the next word whatever it looks like (-o -x), and its
// messages are its own. Getopt reads a command line by those rules and
// writes it back in the one form pflag reads exactly as getopt meant it
// (--name=value, --name), so that cobra keeps help, completion and docs.

// getoptKey is the annotation that marks a command read as getopt_long
// reads its util-linux original: its value is that command's longopts.
const getoptKey = "nstool/getopt"

// UseGetopt marks cmd as read by getopt_long (see Getopt). optstring is
// util-linux's short options as getopt takes them: a letter, "c:" with a
// required argument, "c::" with an optional one (only ever attached: -mu
// is -m with "u" where m has one, -m -u where it has none, as unshare's
// -m), and a leading "+" where options end at the first non-option (the
// program of unshare and nsenter); without it getopt permutes, as pflag's
// interspersed flags do. A letter nstool has and the string lacks is
// nstool's own and takes its flag's kind of argument. longopts are
// util-linux's long option names in the order of its longopts array (the
// order getopt lists an ambiguous prefix's possibilities), separated by
// spaces; "name:c" says the option returns c as its value, so that
// aliases ("ro:r read-only:r") are one option and not ambiguous, and that
// a name nstool lacks is read as the flag with the letter c. A name of the
// list nstool does not have still counts for ambiguity, as in util-linux,
// and is unrecognized when given. nstool's own flags, not in the list,
// take a prefix only where util-linux would have found no option at all.
//
// umount and ls are not marked yet (their packages are changing); marking
// them takes this one call in their NewCmd.
func UseGetopt(cmd *cobra.Command, optstring, longopts string) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[getoptKey] = "-" + optstring + " " + longopts
	cmd.Flags().SetInterspersed(!strings.HasPrefix(optstring, "+"))
}

// shortOnlyKey marks a flag that util-linux has as a letter only.
const shortOnlyKey = "nstool/getopt-short-only"

// ShortOnly marks f as an option util-linux has only as its letter
// (mount -s): getopt_long knows no long name for it, so the name pflag
// needs is no option to Getopt (--sloppy is unrecognized). The flag is
// hidden from the help, which would offer that name.
func ShortOnly(f *pflag.Flag) {
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[shortOnlyKey] = nil
	f.Hidden = true
}

// UsesGetopt reports whether cmd is marked by UseGetopt.
func UsesGetopt(cmd *cobra.Command) bool {
	_, ok := cmd.Annotations[getoptKey]
	return ok
}

// A longopt is one entry of getopt's long option table.
type longopt struct {
	name string
	val  string // what getopt returns for it: aliases share one ("": unique)
	own  bool   // nstool's own option, not util-linux's
}

// same reports whether getopt takes a and b for one option (it compares
// has_arg, flag and val; aliases in util-linux share all three).
func (a longopt) same(b longopt) bool {
	return a.name == b.name || a.val != "" && a.val == b.val
}

// matchLong finds the option that name is, or the unique prefix of, in
// opts, as getopt_long does: an exact name wins; otherwise the first
// option with the prefix, unless another with the prefix is a different
// option, and then the error lists every such one in table order (the
// first one's aliases left out, as glibc does). arg is the word as typed,
// for the messages. ok is false when no option has the prefix.
func matchLong(arg, name string, opts []longopt) (found longopt, ok bool, err error) {
	for _, o := range opts {
		if o.name == name {
			return o, true, nil
		}
	}
	var ambiguous []string
	for _, o := range opts {
		if !strings.HasPrefix(o.name, name) { // "" (--=x) is a prefix of all
			continue
		}
		switch {
		case !ok:
			found, ok = o, true
			ambiguous = append(ambiguous, o.name)
		case !found.same(o):
			ambiguous = append(ambiguous, o.name)
		}
	}
	if len(ambiguous) > 1 {
		return longopt{}, false, Usagef(ExitUsage, "option '%s' is ambiguous; possibilities: '--%s'",
			arg, strings.Join(ambiguous, "' '--"))
	}
	return found, ok, nil
}

// MatchLong finds the long option of names that name is, or the unique
// prefix of, with getopt_long's messages ("unrecognized option '--x'",
// "option '--x' is ambiguous; possibilities: ..."); arg is the word as
// typed. For commands that read their arguments themselves (pivot_root).
func MatchLong(arg, name string, names []string) (string, error) {
	opts := make([]longopt, len(names))
	for i, n := range names {
		opts[i] = longopt{name: n}
	}
	o, ok, err := matchLong(arg, name, opts)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", Usagef(ExitUsage, "unrecognized option '%s'", arg)
	}
	return o.name, nil
}

// getopt is one command's table: util-linux's options, then nstool's own.
type getopt struct {
	fs      *pflag.FlagSet
	inOrder bool
	shorts  [256]argKind // by letter: optstring's kinds (0: not in it)
	utils   []longopt
	owns    []longopt
}

func newGetopt(cmd *cobra.Command, spec string) *getopt {
	cmd.InitDefaultHelpFlag()
	cmd.InheritedFlags() // merges the root's persistent flags into Flags()
	g := &getopt{fs: cmd.Flags()}
	words := strings.Fields(spec)
	optstring := words[0][1:]
	if rest, ok := strings.CutPrefix(optstring, "+"); ok {
		g.inOrder, optstring = true, rest
	}
	for i := 0; i < len(optstring); i++ {
		c, k := optstring[i], noArgument
		switch {
		case strings.HasPrefix(optstring[i+1:], "::"):
			k, i = optionalArgument, i+2
		case strings.HasPrefix(optstring[i+1:], ":"):
			k, i = requiredArgument, i+1
		}
		g.shorts[c] = k
	}
	listed := map[string]bool{}
	for _, w := range words[1:] {
		name, val, _ := strings.Cut(w, ":")
		g.utils = append(g.utils, longopt{name: name, val: val})
		listed[name] = true
	}
	sorted := g.fs.SortFlags
	g.fs.SortFlags = false // definition order
	g.fs.VisitAll(func(f *pflag.Flag) {
		if _, letterOnly := f.Annotations[shortOnlyKey]; !listed[f.Name] && !letterOnly {
			g.owns = append(g.owns, longopt{name: f.Name, own: true})
		}
	})
	g.fs.SortFlags = sorted
	return g
}

// flag is the pflag flag of a getopt option (nil: nstool lacks it).
func (g *getopt) flag(o longopt) *pflag.Flag {
	if f := g.fs.Lookup(o.name); f != nil {
		return f
	}
	if len(o.val) == 1 {
		return g.fs.ShorthandLookup(o.val)
	}
	return nil
}

// long is the flag of --name (arg as typed) and the name getopt found
// (the one its messages give: --ro where nstool's flag is --read-only), or
// getopt's error.
func (g *getopt) long(arg, name string) (*pflag.Flag, string, error) {
	o, ok, err := matchLong(arg, name, g.utils)
	if err == nil && !ok {
		o, ok, err = matchLong(arg, name, g.owns)
	}
	if err != nil {
		return nil, "", err
	}
	var f *pflag.Flag
	if ok {
		f = g.flag(o)
	}
	if f == nil {
		return nil, "", Usagef(ExitUsage, "unrecognized option '%s'", arg)
	}
	return f, o.name, nil
}

// An argKind is getopt's has_arg (0: not known).
type argKind int

const (
	noArgument argKind = iota + 1
	requiredArgument
	optionalArgument
)

// short is the flag of -c and the kind of argument getopt gives it (nil:
// util-linux and nstool lack it).
func (g *getopt) short(c byte) (*pflag.Flag, argKind) {
	f := g.fs.ShorthandLookup(string([]byte{c}))
	if f == nil {
		return nil, 0
	}
	if k := g.shorts[c]; k != 0 {
		return f, k
	}
	return f, kind(f)
}

// kind is the has_arg of a pflag flag: no NoOptDefVal, a required
// argument; a boolean or a count, none; any other with a NoOptDefVal
// (--mount[=FILE], --mkdir[=MODE]), an optional one.
func kind(f *pflag.Flag) argKind {
	if f.NoOptDefVal == "" {
		return requiredArgument
	}
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() || f.Value.Type() == "count" {
		return noArgument
	}
	return optionalArgument
}

// ExplicitMark starts a value that Getopt passes on for an optional
// argument typed exactly as the flag's bare value (pflag's NoOptDefVal):
// `--mount=true` is the file "true" to getopt_long, while pflag would
// hand "true" to Set for a bare --mount too. No argument can hold a NUL,
// so what follows the mark is the value the user typed.
const ExplicitMark = "\x00"

// ReadsExplicitMark is implemented by flag values whose Set reads
// ExplicitMark; Getopt marks values for those flags only.
type ReadsExplicitMark interface{ ReadsExplicitMark() }

// Getopt reads args (a command line after the command's name) as
// getopt_long reads the util-linux original of cmd (marked by UseGetopt;
// any other command's args are returned as they are) and writes them back
// in pflag's unambiguous form: each option as --name or --name=value (an
// empty value stays a value), the words that are no options in place,
// "--" and all after it as given. A mistake is getopt's message as a
// usage error (exit 1, as util-linux's commands exit on one). util-linux
// acts on each option as getopt returns it and exits at --help or
// --version: the command line up to the first of them is returned, and
// nothing after it is read (cobra shows the help; the command prints its
// version once it has checked the options before it).
func Getopt(cmd *cobra.Command, args []string) ([]string, error) {
	spec, ok := cmd.Annotations[getoptKey]
	if !ok {
		return args, nil
	}
	g := newGetopt(cmd, spec)
	out := make([]string, 0, len(args))
	stop := false // --help or --version was read: util-linux exits there
	emit := func(f *pflag.Flag, value string, has bool) {
		if has && value == f.NoOptDefVal && kind(f) == optionalArgument {
			if _, ok := f.Value.(ReadsExplicitMark); ok {
				value = ExplicitMark + value
			}
		}
		if has {
			out = append(out, "--"+f.Name+"="+value)
		} else {
			out = append(out, "--"+f.Name)
		}
		stop = f.Name == "help" || f.Name == "version"
	}
	for i := 0; i < len(args) && !stop; i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(out, args[i:]...), nil
		case len(a) < 2 || a[0] != '-': // "", "-" and words: no option
			if g.inOrder {
				return append(out, args[i:]...), nil
			}
			out = append(out, a)
			continue
		case a[1] == '-':
			name, value, eq := strings.Cut(a[2:], "=")
			f, full, err := g.long(a, name)
			if err != nil {
				return nil, err
			}
			switch kind(f) {
			case noArgument:
				if eq {
					return nil, Usagef(ExitUsage, "option '--%s' doesn't allow an argument", full)
				}
			case requiredArgument:
				if !eq {
					if i+1 == len(args) {
						return nil, Usagef(ExitUsage, "option '--%s' requires an argument", full)
					}
					i++
					value, eq = args[i], true
				}
			}
			emit(f, value, eq)
			continue
		}
		for j := 1; j < len(a) && !stop; j++ { // a cluster: -abc, -S0, -S 0, -mFILE
			f, k := g.short(a[j])
			if f == nil {
				return nil, Usagef(ExitUsage, "invalid option -- '%c'", a[j])
			}
			switch k {
			case noArgument:
				emit(f, "", false)
				continue
			case requiredArgument:
				switch {
				case j+1 < len(a):
					emit(f, a[j+1:], true)
				case i+1 < len(args):
					i++
					emit(f, args[i], true)
				default:
					return nil, Usagef(ExitUsage, "option requires an argument -- '%c'", a[j])
				}
			case optionalArgument:
				emit(f, a[j+1:], j+1 < len(a))
			}
			break // the rest of the cluster was the value
		}
	}
	if stop && out[len(out)-1] == "--help" {
		return out, checkBeforeHelp(cmd, out)
	}
	return out, nil
}

// beforeHelp holds each command's CheckBeforeHelp function.
var beforeHelp sync.Map // *cobra.Command → func() error

// CheckBeforeHelp makes check run before cmd shows its --help, its flags
// parsed: util-linux reads each option as getopt returns it, so a bad
// value before --help fails (unshare -S x -h) instead of the help.
func CheckBeforeHelp(cmd *cobra.Command, check func() error) { beforeHelp.Store(cmd, check) }

func checkBeforeHelp(cmd *cobra.Command, args []string) error {
	check, ok := beforeHelp.Load(cmd)
	if !ok || cmd.ParseFlags(args) != nil { // (cobra says what is wrong)
		return nil
	}
	return check.(func() error)()
}

// GetoptError words cobra's flag errors as glibc's getopt_long words them
// for util-linux: "unrecognized option '--x'", "invalid option -- 'x'",
// "option requires an argument -- 't'", "option '--types' requires an
// argument"; a usage error, exit 1. For commands not yet read by Getopt
// (umount): set it with cmd.SetFlagErrorFunc.
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
	return Usagef(ExitUsage, "%s", msg)
}
