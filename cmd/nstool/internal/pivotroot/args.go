package pivotroot

import (
	"strings"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// action is what an option asks for instead of a pivot.
type action int

const (
	actPivot action = iota
	actHelp
	actVersion
)

// longOptions are the long options, for getopt_long's unique prefixes, in
// the order getopt lists an ambiguous one's possibilities: pivot_root(8)'s,
// then nstool's own.
var longOptions = []string{"version", "help", "explain"}

// parseArgs reads a command line as getopt_long reads pivot_root(8)'s:
// options anywhere (GNU permutation), long ones by unique prefix, -h and -V
// clustered, and the first of --help, --version or a bad option that comes
// decides. It returns the words left, as pivot_root(8) counts them: after
// getopt's permutation, a "--" is one of them (the first), so `pivot_root
// -- a b` is bad usage and `pivot_root a --` pivots to "--" with "a" as
// put_old. nstool's own --explain is not counted.
func parseArgs(args []string, o *Options) (words []string, act action, err error) {
	var operands []string
	dash := false
	for i, a := range args {
		switch {
		case a == "--":
			dash = true
			operands = append(operands, args[i+1:]...)
		case strings.HasPrefix(a, "--"):
			name, _, hasValue := strings.Cut(a[2:], "=")
			long, err := matchLong(a, name)
			if err != nil {
				return nil, 0, err
			}
			if hasValue {
				return nil, 0, cli.Usagef(cli.ExitUsage, "option '--%s' doesn't allow an argument", long)
			}
			switch long {
			case "help":
				return nil, actHelp, nil
			case "version":
				return nil, actVersion, nil
			case "explain":
				o.Explain = true
			}
			continue
		case len(a) > 1 && a[0] == '-':
			for _, c := range a[1:] {
				switch c {
				case 'h':
					return nil, actHelp, nil
				case 'V':
					return nil, actVersion, nil
				default:
					return nil, 0, cli.Usagef(cli.ExitUsage, "invalid option -- '%c'", c)
				}
			}
			continue
		default:
			operands = append(operands, a)
			continue
		}
		break // "--": the rest are operands
	}
	if dash {
		words = append(words, "--")
	}
	return append(words, operands...), actPivot, nil
}

// matchLong finds the long option that name is, or is the unique prefix
// of, with getopt's messages (cli.MatchLong).
func matchLong(arg, name string) (string, error) { return cli.MatchLong(arg, name, longOptions) }
