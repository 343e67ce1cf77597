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

// A command is an option table and util-linux's getopt strings for it
// (nsopt.UnshareOptstring, nsopt.UnshareLongopts).
type command struct {
	table     []nsopt.Option
	optstring string
	longopts  string
}

// scan reads the options of args (C strings) as getopt_long reads them
// for util-linux, and as cli.Getopt reads them for the cobra command ("+":
// the first non-option ends them; "--" too): a long option by a unique
// prefix, an optional argument only attached (-m/proc/1/ns/mnt where the
// letter takes one, --mount=FILE), a required one attached or the next
// word. The options go into mem.scanned. It returns them and the index of
// the program in args; ok is false for anything the ordinary start must
// read instead (an unknown or ambiguous option, a missing or unwanted
// value, --help, an empty value, "-" as the program): it then takes the
// command line and says what is wrong with it, in getopt's words.
//
//go:nocheckptr
func scan(cmd *command, args []*byte) (opts []opt, prog int, ok bool) {
	table := cmd.table
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
			o := long(cmd, name)
			switch {
			case o == nil, eq && o.Arg == nsopt.None:
				return nil, 0, false
			case o.Arg == nsopt.Required && !eq:
				if i+1 == len(args) {
					return nil, 0, false
				}
				i++
				value, eq = spawn.CString(args[i]), true
			case o.Arg == nsopt.Optional && !eq:
				value = o.Bare
			}
			if !add(o, value, eq && o.Arg == nsopt.Optional) {
				return nil, 0, false
			}
			continue
		}
		for j := 1; j < len(a); j++ { // -abc, -S0, -S 0, -m/proc/1/ns/mnt
			o := short(table, a[j])
			k := letterArg(cmd.optstring, a[j])
			if o == nil || k < 0 {
				return nil, 0, false
			}
			value, given := o.Bare, false
			switch nsopt.Arg(k) {
			case nsopt.Required:
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
			case nsopt.Optional:
				if j+1 < len(a) {
					value, given = a[j+1:], true
				}
				j = len(a)
			}
			if !add(o, value, given) {
				return nil, 0, false
			}
		}
	}
	return mem.scanned[:n], i, true
}

// letterArg is how util-linux's optstring takes the letter c's argument
// (an nsopt.Arg; -1: not in it).
func letterArg(optstring string, c byte) int {
	for i := 0; i < len(optstring); i++ {
		if optstring[i] != c || c == ':' || c == '+' {
			continue
		}
		switch {
		case i+2 < len(optstring) && optstring[i+1] == ':' && optstring[i+2] == ':':
			return int(nsopt.Optional)
		case i+1 < len(optstring) && optstring[i+1] == ':':
			return int(nsopt.Required)
		}
		return int(nsopt.None)
	}
	return -1
}

// long is the option --name of the command (nil: none, or one the ordinary
// start must read): the one of util-linux's longopts that name is or is
// the unique prefix of, as getopt_long finds it (a name nstool lacks, or
// --help and --version, are nil); nstool's own (--explain) by a prefix only
// where util-linux has none.
func long(cmd *command, name string) *nsopt.Option {
	found, matches := "", 0
	for w, rest := "", cmd.longopts; rest != ""; {
		w, rest = word(rest)
		if w == name {
			found, matches = w, 1
			break
		}
		if hasPrefix(w, name) {
			found = w
			matches++
		}
	}
	if matches > 1 {
		return nil
	}
	for i := range cmd.table {
		l, _ := cmd.table[i].Names()
		if matches == 1 && l == found || matches == 0 && hasPrefix(l, name) && cmd.table[i].ID == nsopt.Explain {
			return &cmd.table[i]
		}
	}
	return nil
}

// word splits the first space-separated word off s.
func word(s string) (w, rest string) {
	for s != "" && s[0] == ' ' {
		s = s[1:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

//go:nosplit
func hasPrefix(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

// short is the option -c of table (nil: none).
func short(table []nsopt.Option, c byte) *nsopt.Option {
	for i := range table {
		if _, s := table[i].Names(); s == c {
			return &table[i]
		}
	}
	return nil
}
