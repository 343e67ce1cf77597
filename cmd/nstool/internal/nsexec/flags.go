package nsexec

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/nsopt"
	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/spawn"
)

// OptionalFile is a flag that may stand alone (--mount) or carry a file
// (--mount=FILE), as getopt's optional arguments do: like getopt, a value
// must be attached with "=", so `-m ls` runs ls.
//
// Given more than once, a file stays given: util-linux unshare keeps the
// last file of a namespace option whatever bare ones follow (--uts=F --uts
// still binds F). Bare says a bare one came too: for nsenter it wins.
type OptionalFile struct {
	On      bool
	HasFile bool   // a value was given, if only "" (--mount=)
	File    string // the value (the last given)
	Bare    bool   // given without a value at least once
}

// bare is what pflag passes for the flag without "=". It must be "true" for
// help to show the flag without a value; `--mount=true` (the file "true",
// as getopt_long reads it) reaches Set marked by cli.Getopt.
const bare = "true"

// ReadsExplicitMark: Set reads cli.ExplicitMark.
func (o *OptionalFile) ReadsExplicitMark() {}

func (o *OptionalFile) String() string { return o.File }

// TargetFile is the file to open: the one given, or (nil Path) the target's.
func (o *OptionalFile) TargetFile() spawn.TargetFile {
	if o.HasFile {
		return spawn.File(o.File)
	}
	return spawn.TargetFile{}
}

// Type is "bool" so that help shows the flag without a value placeholder.
func (o *OptionalFile) Type() string { return "bool" }

func (o *OptionalFile) Set(v string) error {
	o.On = true
	if file, ok := OptionalValue(v); ok {
		o.HasFile, o.File = true, file
	} else {
		o.Bare = true
	}
	return nil
}

// OptionalValue reads what pflag passes an OptionalFile's Set (a Given's
// Value): the file, or false for the option given bare.
func OptionalValue(v string) (file string, ok bool) {
	if file, ok := strings.CutPrefix(v, cli.ExplicitMark); ok {
		return file, true
	}
	return v, v != bare
}

// AddOptionalFile defines --name[=FILE] with shorthand short.
func AddOptionalFile(fs *pflag.FlagSet, o *OptionalFile, name, short, usage string) {
	f := fs.VarPF(o, name, short, usage)
	f.NoOptDefVal = bare
}

// Register defines the flags of an option table (nsopt.Unshare,
// nsopt.Nsenter) on fs, in its order. A namespace option is kept in ns, by
// its type; bind gives each other option's destination: a *bool for
// nsopt.None, a *string for nsopt.Required and for an nsopt.Optional with
// a Bare value, an *OptionalFile for one without (a directory: alone it
// means "the target's").
func Register(fs *pflag.FlagSet, table []nsopt.Option, ns *[namespaces.NumTypes]OptionalFile, bind func(nsopt.ID) any) {
	for i := range table {
		o := &table[i]
		long, letter := o.Names()
		short := ""
		if letter != 0 {
			short = string(rune(letter))
		}
		var dst any
		if o.IsNamespace() {
			dst = &ns[o.ID]
		} else {
			dst = bind(o.ID)
		}
		switch dst := dst.(type) {
		case *bool:
			fs.BoolVarP(dst, long, short, false, o.Usage)
		case *string:
			fs.StringVarP(dst, long, short, o.Default, o.Usage)
			if o.Arg == nsopt.Optional {
				fs.Lookup(long).NoOptDefVal = o.Bare
			}
		case *OptionalFile:
			AddOptionalFile(fs, dst, long, short, o.Usage)
		default:
			panic("nsexec.Register: no destination for --" + long)
		}
	}
}

// Given is one option of the command line and its value.
type Given struct{ Name, Value string }

// RecordInOrder makes the flags named record, in command-line order, each
// value they are set to: util-linux checks these options as getopt
// returns them, so the first bad one is reported (even when a later one
// replaces it) and the last one wins.
func RecordInOrder(fs *pflag.FlagSet, names []string, order *[]Given) {
	for _, name := range names {
		fl := fs.Lookup(name)
		v := &ordered{Value: fl.Value, name: name, order: order}
		fl.Value = v
		if _, ok := v.Value.(cli.ReadsExplicitMark); ok {
			fl.Value = &orderedMark{v} // (an OptionalFile still reads the mark)
		}
	}
}

// orderedMark is an ordered value whose Set reads cli.ExplicitMark.
type orderedMark struct{ *ordered }

func (orderedMark) ReadsExplicitMark() {}

// ordered is a flag value that also records each value it is set to.
type ordered struct {
	pflag.Value
	name  string
	order *[]Given
}

// IsBoolFlag keeps boolean options (unshare -r, -c, --map-auto) without an
// argument, for pflag and for cli.Getopt ("--map-auto=1": "doesn't allow
// an argument").
func (v *ordered) IsBoolFlag() bool {
	b, ok := v.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func (v *ordered) Set(s string) error {
	if err := v.Value.Set(s); err != nil {
		return err
	}
	*v.order = append(*v.order, Given{v.name, s})
	return nil
}
