package mount

import (
	"strings"

	"github.com/spf13/pflag"
)

// mount(8) builds one option string from -o and the option-like flags, in
// command-line order; these flag values append to it.

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
	if s == mkdirDefault {
		*v.list = append(*v.list, "X-mount.mkdir="+s)
		return nil
	}
	// util-linux: -m=0700 is -m0700, and the value goes in quoted
	// (X-mount.mkdir="0700", as its messages show it).
	*v.list = append(*v.list, `X-mount.mkdir="`+strings.TrimPrefix(s, "=")+`"`)
	return nil
}

func addWord(f *pflag.FlagSet, list *[]string, name, short, word, usage string) {
	fl := f.VarPF(&wordValue{list: list, word: word}, name, short, usage)
	fl.NoOptDefVal = "true"
}

// tagValue is -L LABEL and -U UUID: the source LABEL="LABEL", quoted as
// mount(8) writes it.
type tagValue struct {
	tag    string
	source *string
}

func (v *tagValue) String() string { return "" }
func (v *tagValue) Type() string   { return "string" }
func (v *tagValue) Set(s string) error {
	*v.source = v.tag + `="` + s + `"`
	return nil
}

// mkdirDefault is -m's mode when none is given.
const mkdirDefault = "0755"
