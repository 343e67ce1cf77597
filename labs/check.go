package labs

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// A Check is one line of a step's "-- check --" section: a fact about the
// kernel's state as one of the lab's actors sees it. Lines read as English:
//
//	host /lab/a is shared                  (findmnt's PROPAGATION text)
//	host /lab/b is peer of host /lab/a     (same peer group; never by number)
//	container-a /lab/a is slave of host /lab/a
//	container-a /lab/a/x is mounted [tmpfs]
//	host /lab/a/x is not mounted
//	host /lab/x exists | is missing | contains TEXT | does not contain TEXT
//	host /lab/upper/f is a whiteout        (overlayfs: a character device 0:0)
//	host /lab/upper/d is opaque            (overlayfs: the xattr overlay.opaque "y")
//	host /lab/merged is mounted with lowerdir=/lab/a:/lab/b (an option in mountinfo)
//	host /lab/dst has [at least|at most] 7 mounts
//	container-a /lab/ro is locked          (an unmount in its namespace is refused)
//	host /lab/u is not bindable            (a bind of it is refused)
//	other is a new namespace               ("other": any namespace the learner made)
//	other is gone                          (no namespace the learner made is left)
//	other is one namespace                 (the learner made one, and left any other)
//	answer is peer group of host /lab/b    (`nstool lab answer N`)
//	other /lab/a/x came from host [/lab/a/x] (propagation made it of host's: origin.go)
//	host /run/ns/mnt holds a mnt namespace | holds no namespace (nsfile.go)
//	host /run/ns/mnt holds a namespace no process is in | a process is in
//	host /run/ns/mnt holds a namespace where /lab/x is [not] mounted [tmpfs]
//	answer is namespace of host /run/ns/mnt | answer is a pid in host /run/ns/mnt
//
// An actor is "host" (the sandbox's first mount namespace), a name the setup
// gave with `nstool lab actor NAME`, or "other": a check on "other" passes
// when any mount namespace in the sandbox that is neither the host's nor a
// named actor's satisfies it. Text after " | " says why the step wants it;
// a failed check prints it after what it saw.
type Check struct {
	Line string // the line as written, without the why
	Why  string

	Kind        string // see checkForms
	Who, Path   string
	Who2, Path2 string
	Arg         string // fstype, propagation text, file text, answer kind/literal
	Not         bool
	N           int
	Cmp         string // "=", ">=", "<=" for counts
}

var (
	actorRe  = `([a-z][a-z0-9-]*)`
	pathRe   = `(/\S*)`
	nsTypeRe = `cgroup|ipc|mnt|net|pid|time|user|uts`
)

// checkForms are tried in order; the first match wins. They are compiled
// on first use: at package init every nstool command would pay for them.
var checkForms = sync.OnceValue(func() []checkForm {
	return []checkForm{
		{"newns", regexp.MustCompile(`^` + actorRe + ` is a new namespace$`)},
		{"gone", regexp.MustCompile(`^other is gone$`)},
		{"one", regexp.MustCompile(`^other is one namespace$`)},
		{"answer-of", regexp.MustCompile(`^answer is (peer group|master|mount id|parent id) of ` + actorRe + ` ` + pathRe + `$`)},
		{"answer-ns", regexp.MustCompile(`^answer is mnt ns of ` + actorRe + `$`)},
		{"answer-file", regexp.MustCompile(`^answer is namespace of ` + actorRe + ` ` + pathRe + `$`)},
		{"answer-pid", regexp.MustCompile(`^answer is a pid in ` + actorRe + ` ` + pathRe + `$`)},
		{"answer", regexp.MustCompile(`^answer is (.+)$`)},
		{"option", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` is mounted with (\S+)$`)},
		{"holds", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` holds (no |an? (?:(` + nsTypeRe + `) )?)namespace$`)},
		{"holds-procs", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` holds a namespace (no|a) process is in$`)},
		{"holds-mounted", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` holds a namespace where ` + pathRe + ` is (not )?mounted(?: (\S+))?$`)},
		{"mounted", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` is (not )?mounted(?: (\S+))?$`)},
		{"peer", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` is (not )?peer of ` + actorRe + ` ` + pathRe + `$`)},
		{"slaveof", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` is (not )?slave of ` + actorRe + ` ` + pathRe + `$`)},
		{"locked", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` is (not )?locked$`)},
		{"bindable", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` is (not )?bindable$`)},
		{"exists", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` (exists|is missing)$`)},
		{"contains", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` (contains|does not contain) (.+)$`)},
		{"whiteout", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` is (not )?a whiteout$`)},
		{"opaque", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` is (not )?opaque$`)},
		{"from", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` came from ` + actorRe + `(?: ` + pathRe + `)?$`)},
		{"count", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` has (at least |at most )?(\d+) mounts?$`)},
		{"prop", regexp.MustCompile(`^` + actorRe + ` ` + pathRe + ` is ([a-z,]+)$`)},
	}
})

type checkForm struct {
	kind string
	re   *regexp.Regexp
}

// propagations are findmnt's PROPAGATION values a "prop" check may name;
// "slave" and "unbindable" alone are accepted for "private,slave" and
// "private,unbindable".
var propagations = map[string]string{
	"shared": "shared", "private": "private",
	"slave": "private,slave", "private,slave": "private,slave", "shared,slave": "shared,slave",
	"unbindable": "private,unbindable", "private,unbindable": "private,unbindable",
	"shared,unbindable": "shared,unbindable", "private,slave,unbindable": "private,slave,unbindable",
	"shared,slave,unbindable": "shared,slave,unbindable",
}

// ParseCheck parses one check line.
func ParseCheck(line string) (Check, error) {
	c := Check{}
	text, why, _ := strings.Cut(line, " | ")
	c.Line, c.Why = strings.TrimSpace(text), strings.TrimSpace(why)
	for _, f := range checkForms() {
		m := f.re.FindStringSubmatch(c.Line)
		if m == nil {
			continue
		}
		c.Kind = f.kind
		switch f.kind {
		case "newns":
			c.Who = m[1]
		case "gone":
			c.Who = "all"
		case "one":
			c.Who = "all"
		case "answer-of":
			c.Arg, c.Who, c.Path = m[1], m[2], m[3]
		case "answer-ns":
			c.Who = m[1]
		case "answer-file", "answer-pid":
			c.Who, c.Path = m[1], m[2]
		case "holds":
			c.Who, c.Path, c.Not, c.Arg = m[1], m[2], m[3] == "no ", m[4]
		case "holds-procs":
			c.Who, c.Path, c.Not = m[1], m[2], m[3] == "no"
		case "holds-mounted":
			c.Who, c.Path, c.Path2, c.Not, c.Arg = m[1], m[2], m[3], m[4] != "", m[5]
		case "answer":
			c.Arg = m[1]
		case "mounted":
			c.Who, c.Path, c.Not, c.Arg = m[1], m[2], m[3] != "", m[4]
		case "peer", "slaveof":
			c.Who, c.Path, c.Not, c.Who2, c.Path2 = m[1], m[2], m[3] != "", m[4], m[5]
		case "locked", "bindable", "whiteout", "opaque":
			c.Who, c.Path, c.Not = m[1], m[2], m[3] != ""
		case "exists":
			c.Who, c.Path, c.Not = m[1], m[2], m[3] == "is missing"
		case "contains":
			c.Who, c.Path, c.Not, c.Arg = m[1], m[2], m[3] != "contains", m[4]
		case "option":
			c.Who, c.Path, c.Arg = m[1], m[2], m[3]
		case "from":
			c.Who, c.Path, c.Who2, c.Path2 = m[1], m[2], m[3], m[4]
			if c.Path2 == "" {
				c.Path2 = c.Path
			}
			if c.Who == "other" && c.Who2 == "other" {
				return c, fmt.Errorf("check %q: \"other\" may be one side only", c.Line)
			}
			return c, nil
		case "count":
			c.Who, c.Path = m[1], m[2]
			c.Cmp = map[string]string{"": "=", "at least ": ">=", "at most ": "<="}[m[3]]
			c.N, _ = strconv.Atoi(m[4])
		case "prop":
			p, ok := propagations[m[3]]
			if !ok {
				return c, fmt.Errorf("check %q: %q is no propagation findmnt prints (shared, private, slave, shared,slave, unbindable...)", c.Line, m[3])
			}
			c.Who, c.Path, c.Arg = m[1], m[2], p
		}
		if c.Who2 == "other" {
			return c, fmt.Errorf("check %q: \"other\" may only be the first actor", c.Line)
		}
		if (c.Kind == "answer-file" || c.Kind == "answer-pid") && c.Who == "other" {
			return c, fmt.Errorf("check %q: an answer is compared with a named actor's, not \"other\"", c.Line)
		}
		return c, nil
	}
	return c, fmt.Errorf("check %q: not a check I know (see docs/labs.md: \"host /lab/a is shared\", \"host /lab/b is peer of host /lab/a\"...)", c.Line)
}

// Actors names the actors a check refers to (for validation against setup).
func (c Check) Actors() []string {
	var out []string
	for _, a := range []string{c.Who, c.Who2} {
		if a != "" {
			out = append(out, a)
		}
	}
	return out
}
