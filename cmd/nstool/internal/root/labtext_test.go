package root

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/labs"
)

// Every command a lab shows a student is a command: each nstool line parses
// with nstool's own command tree and flags, and each util-linux line beside it
// names a util-linux command and only options its installed --help lists.
// Prose pasted where a command belongs (lab 06 once showed
// "nstool Source /lab/tree, target ...") fails here.
func TestLabTextCommandsParse(t *testing.T) {
	all, err := labs.All()
	if err != nil {
		t.Fatal(err)
	}
	inline := regexp.MustCompile("`(nstool [^`]+)`")
	utilLinux := map[string]bool{"findmnt": true, "mount": true, "umount": true, "unshare": true, "nsenter": true, "lsns": true}
	helps := map[string]string{}
	for _, l := range all {
		texts := []string{l.Intro}
		for _, s := range l.Steps {
			texts = append(texts, s.Text)
		}
		for _, text := range texts {
			var shown []string
			for _, line := range strings.Split(text, "\n") {
				if strings.HasPrefix(line, "    ") {
					shown = append(shown, strings.TrimSpace(line))
				}
			}
			for _, m := range inline.FindAllStringSubmatch(text, -1) {
				shown = append(shown, m[1])
			}
			for _, line := range shown {
				cmdPart, ulPart, _ := strings.Cut(line, "# util-linux:")
				for _, seg := range pipeline(cmdPart) {
					if strings.HasPrefix(seg, "nstool ") {
						if err := parsesAsNstool(seg); err != nil {
							t.Errorf("lab %s shows %q: %v", l.ID, seg, err)
						}
					}
				}
				for _, seg := range pipeline(ulPart) {
					words := strings.Fields(seg)
					if len(words) == 0 || !utilLinux[words[0]] {
						continue // wc, cat, ...: not util-linux's to check
					}
					if _, ok := helps[words[0]]; !ok {
						out, _ := exec.Command(words[0], "--help").CombinedOutput()
						helps[words[0]] = string(out)
					}
					for _, opt := range options(words[1:]) {
						if !strings.Contains(helps[words[0]], opt) {
							t.Errorf("lab %s shows %q: util-linux %s --help has no %s", l.ID, seg, words[0], opt)
						}
					}
				}
				if ulPart != "" && len(pipeline(ulPart)) == 0 {
					t.Errorf("lab %s: an empty util-linux line beside %q", l.ID, cmdPart)
				}
			}
		}
	}
}

// pipeline splits a shell line into its simple commands (at |, && and ;),
// dropping redirections' targets only as far as the checks here need.
func pipeline(line string) []string {
	var out []string
	for _, seg := range regexp.MustCompile(`\|\||&&|[|;]`).Split(line, -1) {
		if seg = strings.TrimSpace(seg); seg != "" {
			out = append(out, seg)
		}
	}
	return out
}

// options are the option words of a command line as its --help writes them:
// -Rn is -R and -n; --name=value is --name.
func options(words []string) []string {
	var out []string
	for _, w := range words {
		switch {
		case w == "--":
			return out
		case strings.HasPrefix(w, "--"):
			name, _, _ := strings.Cut(w, "=")
			out = append(out, name)
		case strings.HasPrefix(w, "-") && len(w) > 1:
			for _, c := range w[1:] {
				out = append(out, "-"+string(c))
				if strings.ContainsRune("oOtTSNpw", c) {
					break // the rest is the option's value
				}
			}
		}
	}
	return out
}

// parsesAsNstool finds the subcommand in nstool's command tree and parses
// the flags as a run would, without running anything.
func parsesAsNstool(line string) error {
	words := nstooltest.ShellWords(strings.TrimPrefix(line, "nstool "))
	ios, _, _, _ := cli.Test()
	root := NewCmd(ios)
	cmd, rest, err := root.Find(words)
	if err != nil {
		return err
	}
	if cmd == root {
		return errUnknown(words[0])
	}
	if cmd.DisableFlagParsing {
		return nil
	}
	if err := cmd.ParseFlags(rest); err != nil {
		return err
	}
	if cmd.Args != nil {
		return cmd.Args(cmd, cmd.Flags().Args())
	}
	return nil
}

type errUnknown string

func (e errUnknown) Error() string { return "no nstool command " + string(e) }
