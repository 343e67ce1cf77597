package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// GetoptError words cobra's flag errors as glibc's getopt_long words them
// for util-linux: "unrecognized option '--x'", "invalid option -- 'x'",
// "option requires an argument -- 't'", "option '--types' requires an
// argument"; a usage error, exit 1. Commands whose util-linux original
// parses with getopt_long set it with cmd.SetFlagErrorFunc.
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
