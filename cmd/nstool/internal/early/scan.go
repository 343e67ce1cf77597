package early

import (
	"github.com/nstool/nstool/cmd/nstool/internal/nsopt"
	"github.com/nstool/nstool/nsutil/spawn"
)

// An opt is one option of a command line, in the order given.
type opt struct {
	id    nsopt.ID
	value string // its value (an nsopt.Optional one's Bare when given alone)
	given bool   // an nsopt.Optional one had "=VALUE"
}

// scan reads the options of args (C strings) by table as pflag reads them
// for the cobra command (SetInterspersed(false): the first non-option ends
// them; "--" too), into mem.scanned. It returns the options and the index of
// the program in args; ok is false for anything it cannot read exactly as
// pflag would (an unknown option, a value joined by "=" to a short one or
// to a boolean, an empty value, "-" as the program): the ordinary start
// then takes the command line and says what is wrong with it.
//
//go:nocheckptr
func scan(table []nsopt.Option, args []*byte) (opts []opt, prog int, ok bool) {
	n := 0
	add := func(o *nsopt.Option, value string, given bool) bool {
		if n == len(mem.scanned) || value == "" && o.Arg != nsopt.None && (given || o.Arg == nsopt.Required) {
			return false
		}
		mem.scanned[n] = opt{id: o.ID, value: value, given: given}
		n++
		return true
	}
	i := 0
	for ; i < len(args); i++ {
		a := spawn.CString(args[i])
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			if a == "-" {
				return nil, 0, false
			}
			break // the program: the rest is its own
		}
		if a[1] == '-' { // --name, --name=value, --name value
			name, value, eq := a[2:], "", false
			for j := 0; j < len(name); j++ {
				if name[j] == '=' {
					name, value, eq = name[:j], name[j+1:], true
					break
				}
			}
			o := long(table, name)
			switch {
			case o == nil, eq && o.Arg == nsopt.None:
				return nil, 0, false
			case o.Arg == nsopt.Required && !eq:
				if i+1 == len(args) {
					return nil, 0, false
				}
				i++
				value = spawn.CString(args[i])
			case o.Arg == nsopt.Optional && !eq:
				value = o.Bare
			}
			if !add(o, value, eq) {
				return nil, 0, false
			}
			continue
		}
		for j := 1; j < len(a); j++ { // -abc, -S0, -S 0
			o := short(table, a[j])
			if o == nil || j+1 < len(a) && a[j+1] == '=' {
				return nil, 0, false
			}
			value := o.Bare
			if o.Arg == nsopt.Required {
				switch {
				case j+1 < len(a):
					value = a[j+1:]
				case i+1 < len(args):
					i++
					value = spawn.CString(args[i])
				default:
					return nil, 0, false
				}
				j = len(a)
			}
			if !add(o, value, false) {
				return nil, 0, false
			}
		}
	}
	return mem.scanned[:n], i, true
}

// long is the option --name of table (nil: none; pflag takes no prefixes).
func long(table []nsopt.Option, name string) *nsopt.Option {
	for i := range table {
		if l, _ := table[i].Names(); l == name {
			return &table[i]
		}
	}
	return nil
}

// short is the option -c of table (nil: none).
func short(table []nsopt.Option, c byte) *nsopt.Option {
	for i := range table {
		if _, s := table[i].Names(); s == c {
			return &table[i]
		}
	}
	return nil
}
