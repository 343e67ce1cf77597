package labs

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) {
	if len(os.Args) == 5 && os.Args[1] == testProbeVerb {
		os.Exit(testProbe(os.Args[2], os.Args[3], os.Args[4]))
	}
	nstest.Main(m)
}

// The tests' own stages: the test binary is its own probe, as nstool is.
const testProbeVerb = "__labs_test_probe"

var testStages = Stages{
	Probe: func(kind string, pid int, path string) []string {
		return []string{"labs.test", testProbeVerb, kind, strconv.Itoa(pid), path}
	},
}

func testProbe(kind, pid, path string) int {
	n, err := strconv.Atoi(pid)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	refused, err := ProbeMain(kind, n, path)
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		return 1
	case refused:
		return ProbeRefusedStatus
	}
	return 0
}

// Every embedded lab is one a learner can rely on: it parses, has 4 to 8
// steps, each with text, checks, hints and a solution, a README with the
// narrative, and its checks name only actors the lab starts.
func TestEmbeddedLabsAreValid(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 6 {
		t.Fatalf("%d labs embedded, want at least 6", len(all))
	}
	actorRe := regexp.MustCompile(`nstool lab actor ([a-z][a-z0-9-]*)`)
	for i, l := range all {
		t.Run(l.ID, func(t *testing.T) {
			if want := l.Number(); !regexp.MustCompile(`^\d\d$`).MatchString(want) {
				t.Errorf("ID %q does not start with two digits", l.ID)
			}
			if i > 0 && all[i-1].Number() == l.Number() {
				t.Errorf("two labs numbered %s", l.Number())
			}
			if n := len(l.Steps); n < 4 || n > 8 {
				t.Errorf("%d steps, want 4 to 8", n)
			}
			if !strings.HasPrefix(l.README, "# Lab "+l.Number()+" ") {
				t.Errorf("README.md should start with %q", "# Lab "+l.Number()+" ")
			}
			if len(l.README) < 800 {
				t.Errorf("README.md is %d bytes: the narrative (the why) is missing", len(l.README))
			}
			if !strings.Contains(l.Intro+stepTexts(l), "util-linux") {
				t.Errorf("no step shows the util-linux equivalent of its nstool commands")
			}
			actors := map[string]bool{"host": true, "other": true, "all": true}
			for _, m := range actorRe.FindAllStringSubmatch(l.Setup, -1) {
				actors[m[1]] = true
			}
			for n, s := range l.Steps {
				// The step's own solution runs before its checks pass: an
				// actor it starts may be checked (before it, the check
				// fails with "no actor", as a step's check should).
				for _, m := range actorRe.FindAllStringSubmatch(s.Solution, -1) {
					actors[m[1]] = true
				}
				for _, c := range s.Checks {
					for _, a := range c.Actors() {
						if !actors[a] {
							t.Errorf("step %d: check %q names actor %q, which no setup or solution up to the step's starts", n+1, c.Line, a)
						}
					}
				}
				// Hints lead to the answer; they never hand over the command,
				// alone or together.
				for _, cmd := range Commands(s.Solution) {
					if givesAway(s.Hints, cmd) {
						t.Errorf("step %d: the hints give the solution's command %q:\n%s", n+1, cmd, strings.Join(s.Hints, "\n"))
					}
				}
				// A check's why is shown alone ("why: ..."): it must read as a
				// sentence, not as the end of one.
				for _, c := range s.Checks {
					for _, w := range []string{"and ", "or ", "but ", "so "} {
						if strings.HasPrefix(c.Why, w) {
							t.Errorf("step %d: check %q: its why %q is a fragment", n+1, c.Line, c.Why)
						}
					}
				}
				if len(s.Hints) < 2 {
					t.Errorf("step %d: %d hint(s); graded hints need at least 2", n+1, len(s.Hints))
				}
			}
		})
	}
}

// givesAway tells whether hints, read together, spell out a command line
// of the solution: the line itself, or all of its options and arguments
// (two at least), the program being plain from them.
func givesAway(hints []string, command string) bool {
	text := strings.Join(hints, "\n")
	if len(command) >= 10 && strings.Contains(text, command) {
		return true
	}
	words := strings.Fields(command)
	// The program and its subcommand: "nstool mount", "nstool lab shell
	// host -- nstool mount", "mkdir".
	if i := slices.Index(words, "--"); i >= 0 && slices.Contains(words[:i], "shell") {
		words = words[i+1:]
	}
	if len(words) > 0 && words[0] == "nstool" {
		words = words[1:]
	}
	if len(words) > 0 {
		words = words[1:]
	}
	tokens := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(" \n\t`'\",;:()", r) }) {
		tokens[strings.TrimSuffix(w, ".")] = true
	}
	n := 0
	for _, w := range words {
		if !tokens[strings.Trim(w, `'"`)] {
			return false
		}
		n++
	}
	return n >= 2
}

// The hints of lab 06 step 2 once were, together, its command.
func TestGivesAway(t *testing.T) {
	old := []string{"--rbind is --bind with every submount.", "Source /lab/tree, target /lab/tree/a, and the recursive form of a bind."}
	if !givesAway(old, "nstool mount --rbind /lab/tree /lab/tree/a") {
		t.Errorf("lab 06 step 2's old hints were not seen to give the command away")
	}
	if !givesAway([]string{"type `nstool mount -t tmpfs x /lab/x`"}, "nstool lab shell host -- nstool mount -t tmpfs x /lab/x") {
		t.Errorf("a hint holding the command itself was not seen")
	}
	if givesAway([]string{"The flag is named after the namespace type."}, "nstool unshare --mount") ||
		givesAway([]string{"Mount a tmpfs on /lab/x."}, "nstool mount -t tmpfs x /lab/x") {
		t.Errorf("a hint that leaves the command to the learner was seen to give it away")
	}
}

func stepTexts(l *Lab) string {
	var b strings.Builder
	for _, s := range l.Steps {
		b.WriteString(s.Text)
	}
	return b.String()
}

func TestParseErrors(t *testing.T) {
	good := "title: T\nminutes: 5\n\nintro\n-- step One --\ntext\n-- check --\nhost /lab is mounted\n-- hint --\nh\n-- solution --\ntrue\n"
	if _, err := Parse("01-x", good); err != nil {
		t.Fatalf("a good lab: %v", err)
	}
	for _, tc := range []struct{ name, src, want string }{
		{"unknown header", "title: T\ncolour: red\n", `unknown header "colour"`},
		{"bad minutes", "title: T\nminutes: soon\n", "minutes: \"soon\" is not a positive number"},
		{"bad rootless", "title: T\nminutes: 1\nrootless: maybe\n", "rootless: want yes or no"},
		{"no title", "minutes: 1\n", "no title"},
		{"no steps", "title: T\nminutes: 1\n", "no steps"},
		{"unknown section", strings.Replace(good, "-- hint --", "-- tip --", 1), `unknown section "tip"`},
		{"step without title", strings.Replace(good, "-- step One --", "-- step --", 1), "a step needs a title"},
		{"check before step", "title: T\nminutes: 1\n\n-- check --\nhost /lab is mounted\n", "check before the first step"},
		{"setup after step", good + "-- setup --\ntrue\n", "setup must come before the first step"},
		{"bad check", strings.Replace(good, "host /lab is mounted", "host /lab is purple", 1), `"purple" is no propagation findmnt prints`},
		{"unknown check", strings.Replace(good, "host /lab is mounted", "the moon is full", 1), "not a check I know"},
		{"no solution", strings.Replace(good, "true\n", "\n", 1), "no solution"},
		{"no hint", strings.Replace(good, "-- hint --\nh\n", "", 1), "no hint"},
		{"no check", strings.Replace(good, "-- check --\nhost /lab is mounted\n", "", 1), "no check"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("01-x", tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestParseErrorNamesTheLine(t *testing.T) {
	src := "title: T\nminutes: 1\n\n-- step S --\ntext\n-- check --\nhost /lab is mounted\nhost /lab is wobbly\n"
	_, err := Parse("07-x", src)
	if err == nil || !strings.Contains(err.Error(), "lab 07-x: lab.txt:8:") {
		t.Fatalf("error %v, want it to name lab.txt:8", err)
	}
}

func TestParseCheck(t *testing.T) {
	for _, tc := range []struct {
		line string
		want Check
	}{
		{"host /lab/a is shared", Check{Kind: "prop", Who: "host", Path: "/lab/a", Arg: "shared"}},
		{"host /lab/a is slave", Check{Kind: "prop", Who: "host", Path: "/lab/a", Arg: "private,slave"}},
		{"c-1 /lab/a is shared,slave | why", Check{Kind: "prop", Who: "c-1", Path: "/lab/a", Arg: "shared,slave", Why: "why"}},
		{"host /lab/b is peer of c /lab/a", Check{Kind: "peer", Who: "host", Path: "/lab/b", Who2: "c", Path2: "/lab/a"}},
		{"host /lab/b is not peer of c /lab/a", Check{Kind: "peer", Who: "host", Path: "/lab/b", Who2: "c", Path2: "/lab/a", Not: true}},
		{"c /lab/b is slave of host /lab/a", Check{Kind: "slaveof", Who: "c", Path: "/lab/b", Who2: "host", Path2: "/lab/a"}},
		{"other /lab/x is mounted tmpfs", Check{Kind: "mounted", Who: "other", Path: "/lab/x", Arg: "tmpfs"}},
		{"host /lab/x is not mounted", Check{Kind: "mounted", Who: "host", Path: "/lab/x", Not: true}},
		{"host /lab/x is locked", Check{Kind: "locked", Who: "host", Path: "/lab/x"}},
		{"host /lab/x is not bindable", Check{Kind: "bindable", Who: "host", Path: "/lab/x", Not: true}},
		{"host /lab/f exists", Check{Kind: "exists", Who: "host", Path: "/lab/f"}},
		{"host /lab/f is missing", Check{Kind: "exists", Who: "host", Path: "/lab/f", Not: true}},
		{"host /lab/f contains hello world", Check{Kind: "contains", Who: "host", Path: "/lab/f", Arg: "hello world"}},
		{"host /lab/f does not contain hello", Check{Kind: "contains", Who: "host", Path: "/lab/f", Arg: "hello", Not: true}},
		{"host /lab/u/f is a whiteout", Check{Kind: "whiteout", Who: "host", Path: "/lab/u/f"}},
		{"host /lab/u/d is not opaque", Check{Kind: "opaque", Who: "host", Path: "/lab/u/d", Not: true}},
		{"c / is mounted with lowerdir=/a:/b", Check{Kind: "option", Who: "c", Path: "/", Arg: "lowerdir=/a:/b"}},
		{"host /lab/t has 84 mounts", Check{Kind: "count", Who: "host", Path: "/lab/t", N: 84, Cmp: "="}},
		{"host /lab/t has at least 3 mounts", Check{Kind: "count", Who: "host", Path: "/lab/t", N: 3, Cmp: ">="}},
		{"other is a new namespace", Check{Kind: "newns", Who: "other"}},
		{"other is gone", Check{Kind: "gone", Who: "all"}},
		{"other is one namespace", Check{Kind: "one", Who: "all"}},
		{"other /lab/a came from host", Check{Kind: "from", Who: "other", Path: "/lab/a", Who2: "host", Path2: "/lab/a"}},
		{"c /lab/a came from host /lab/b", Check{Kind: "from", Who: "c", Path: "/lab/a", Who2: "host", Path2: "/lab/b"}},
		{"host /lab/a came from other", Check{Kind: "from", Who: "host", Path: "/lab/a", Who2: "other", Path2: "/lab/a"}},
		{"answer is peer group of host /lab/b", Check{Kind: "answer-of", Arg: "peer group", Who: "host", Path: "/lab/b"}},
		{"answer is mnt ns of host", Check{Kind: "answer-ns", Who: "host"}},
		{"answer is 42", Check{Kind: "answer", Arg: "42"}},
		{"host /run/ns/mnt holds a mnt namespace", Check{Kind: "holds", Who: "host", Path: "/run/ns/mnt", Arg: "mnt"}},
		{"host /run/ns/mnt holds a namespace", Check{Kind: "holds", Who: "host", Path: "/run/ns/mnt"}},
		{"host /run/ns/mnt holds no namespace", Check{Kind: "holds", Who: "host", Path: "/run/ns/mnt", Not: true}},
		{"host /run/ns/mnt holds a namespace no process is in", Check{Kind: "holds-procs", Who: "host", Path: "/run/ns/mnt", Not: true}},
		{"host /run/ns/mnt holds a namespace a process is in", Check{Kind: "holds-procs", Who: "host", Path: "/run/ns/mnt"}},
		{"host /run/ns/mnt holds a namespace where /lab/k is mounted tmpfs", Check{Kind: "holds-mounted", Who: "host", Path: "/run/ns/mnt", Path2: "/lab/k", Arg: "tmpfs"}},
		{"host /run/ns/mnt holds a namespace where /lab/k is not mounted", Check{Kind: "holds-mounted", Who: "host", Path: "/run/ns/mnt", Path2: "/lab/k", Not: true}},
		{"answer is namespace of host /run/ns/mnt", Check{Kind: "answer-file", Who: "host", Path: "/run/ns/mnt"}},
		{"answer is a pid in host /run/ns/mnt", Check{Kind: "answer-pid", Who: "host", Path: "/run/ns/mnt"}},
	} {
		got, err := ParseCheck(tc.line)
		if err != nil {
			t.Errorf("%q: %v", tc.line, err)
			continue
		}
		tc.want.Line, _, _ = strings.Cut(tc.line, " | ")
		if got != tc.want {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.line, got, tc.want)
		}
	}
	for _, bad := range []string{"host lab/a is shared", "host /lab/a is peer of other /lab/b", "Host /lab/a is shared", "host /lab/a has many mounts", "other /lab/a came from other",
		"host /run/x holds a pink namespace", "answer is namespace of other /run/x", "answer is a pid in other /run/x"} {
		if c, err := ParseCheck(bad); err == nil {
			t.Errorf("%q parsed as %+v, want an error", bad, c)
		}
	}
}

func TestCommands(t *testing.T) {
	got := Commands("# a comment\n\nmount -t tmpfs x /lab/x\nfindmnt \\\n  -R /lab\n  \necho done")
	want := []string{"mount -t tmpfs x /lab/x", "findmnt \\\n  -R /lab", "echo done"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("Commands = %q, want %q", got, want)
	}
}

func TestFind(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"04-types", "04", "4", "types", "4-types", "004"} {
		if l, err := Find(all, id); err != nil || l.ID != "04-types" {
			t.Errorf("Find(%q) = %v, %v", id, l, err)
		}
	}
	if _, err := Find(all, "99"); err == nil || !strings.Contains(err.Error(), "labs: 01-isolation") {
		t.Errorf("Find(99) error %v, want the list of labs", err)
	}
	for _, id := range []string{"4-slave", "0", "+4", "4-", " 4", "types "} {
		if l, err := Find(all, id); err == nil {
			t.Errorf("Find(%q) = %s, want no lab", id, l.ID)
		}
	}
}

// A number two labs share names neither (a teacher's 03-mine beside the
// built-in 03-peers); the full ID, or a name, still finds each, and a lab's
// whole ID comes before another's name part.
func TestFindAmbiguous(t *testing.T) {
	all := []*Lab{{ID: "03-mine"}, {ID: "03-peers"}, {ID: "04-03"}}
	for id, want := range map[string]string{"3": "03-mine, 03-peers", "03": "03-mine, 03-peers, 04-03"} {
		if _, err := Find(all, id); err == nil || err.Error() != `lab "`+id+`" is ambiguous: `+want {
			t.Errorf("Find(%q) error %v, want ambiguous: %s", id, err, want)
		}
	}
	for id, want := range map[string]string{"03-mine": "03-mine", "peers": "03-peers", "3-mine": "03-mine", "4": "04-03"} {
		if l, err := Find(all, id); err != nil || l.ID != want {
			t.Errorf("Find(%q) = %v, %v; want %s", id, l, err, want)
		}
	}
}
