package nsexec

import "github.com/spf13/pflag"

// OptionalFile is a flag that may stand alone (--mount) or carry a file
// (--mount=FILE), as getopt's optional arguments do: like getopt, a value
// must be attached with "=", so `-m ls` runs ls.
type OptionalFile struct {
	On   bool
	File string
}

const bare = "true"

func (o *OptionalFile) String() string { return o.File }

// Type is "bool" so that help shows the flag without a value placeholder.
func (o *OptionalFile) Type() string { return "bool" }

func (o *OptionalFile) Set(v string) error {
	o.On = true
	if v != bare {
		o.File = v
	}
	return nil
}

// AddOptionalFile defines --name[=FILE] with shorthand short.
func AddOptionalFile(fs *pflag.FlagSet, o *OptionalFile, name, short, usage string) {
	f := fs.VarPF(o, name, short, usage)
	f.NoOptDefVal = bare
}
