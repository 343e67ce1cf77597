package labs

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// World is the kernel state checks read: the actors' processes (PIDs as the
// sandbox sees them) and the learner's answer. Mount tables are read once per
// World, so build a new one for each `lab check`.
type World struct {
	Actors map[string]int // "host" and the named actors
	Answer string
	// Locked tries an unmount of path in pid's mount namespace, leaving the
	// mount in place (see ProbeMain).
	Locked func(pid int, path string) (bool, error)
	// Unbindable tries a detached bind of path in pid's namespace.
	Unbindable func(pid int, path string) (bool, error)
	// MountID is mountid.Of unless a test replaces it (origin.go).
	MountID func(path string) (unique uint64, old int, err error)

	mounts map[int]mountinfo.Table
	// nsTables are the tables of namespaces held by files (nsfile.go).
	nsTables map[string]mountinfo.Table
	others   []int
	listed   bool
}

// Result is a check's outcome; Saw says what the kernel showed when it failed.
type Result struct {
	Check Check
	OK    bool
	Saw   string
}

// Message is the line `lab check` prints for a failed check.
func (r Result) Message() string {
	msg := "saw: " + r.Saw + "; wanted: " + r.Check.Line
	if r.Check.Why != "" {
		msg += " (" + r.Check.Why + ")"
	}
	return msg
}

// Evaluate runs every check and returns their results in order.
func (w *World) Evaluate(checks []Check) []Result {
	out := make([]Result, 0, len(checks))
	for _, c := range checks {
		out = append(out, w.evalAny(c))
	}
	return out
}

// allOK tells whether every check passed.
func allOK(results []Result) bool {
	for _, r := range results {
		if !r.OK {
			return false
		}
	}
	return true
}

// evalAny resolves "other" to each namespace the learner made and passes if
// one of them satisfies the check.
func (w *World) evalAny(c Check) Result {
	if c.Kind == "gone" || c.Kind == "one" {
		others, want := w.Others(), map[string]int{"gone": 0, "one": 1}[c.Kind]
		var ids []string
		for _, pid := range others {
			ids = append(ids, fmt.Sprintf("%s (PID %d %s)", nsID(pid), pid, comm(pid)))
		}
		switch {
		case len(others) == want:
			return Result{Check: c, OK: true}
		case len(others) == 0:
			return Result{Check: c, Saw: "no mount namespace but the lab's own: nothing runs in a new one yet"}
		case want == 0:
			return Result{Check: c, Saw: "still in a namespace you made: " + strings.Join(ids, ", ")}
		}
		return Result{Check: c, Saw: fmt.Sprintf("%d namespaces you made are running: %s; an earlier one is still open (`exit` leaves a shell's namespace)", len(others), strings.Join(ids, ", "))}
	}
	if c.Kind == "answer" {
		ok, saw := w.evalAnswer(c)
		return Result{Check: c, OK: ok, Saw: saw}
	}
	if c.Kind == "from" && c.Who2 == "other" {
		return w.evalFromOther(c)
	}
	if c.Who != "other" {
		pid, ok := w.Actors[c.Who]
		if !ok {
			return Result{Check: c, Saw: fmt.Sprintf("no actor %q in this lab", c.Who)}
		}
		ok, saw := w.eval(c, pid)
		return Result{Check: c, OK: ok, Saw: saw}
	}
	others := w.Others()
	if len(others) == 0 {
		host := nsID(w.Actors["host"])
		return Result{Check: c, Saw: "no mount namespace but the lab's own (host is " + host + "): nothing runs in a new one yet"}
	}
	first := ""
	for _, pid := range others {
		ok, saw := w.eval(c, pid)
		if ok {
			return Result{Check: c, OK: true}
		}
		if first == "" {
			first = "(" + nsID(pid) + ") " + saw
		}
	}
	return Result{Check: c, Saw: first}
}

// evalFromOther is a "came from other" check: it passes if the mount came
// from one of the namespaces the learner made.
func (w *World) evalFromOther(c Check) Result {
	pid, ok := w.Actors[c.Who]
	if !ok {
		return Result{Check: c, Saw: fmt.Sprintf("no actor %q in this lab", c.Who)}
	}
	first := ""
	for _, other := range w.Others() {
		ok, saw := w.evalFrom(c, pid, other)
		if ok {
			return Result{Check: c, OK: true}
		}
		if first == "" {
			first = saw
		}
	}
	if first == "" {
		first = "no mount namespace but the lab's own: nothing runs in a new one yet"
	}
	return Result{Check: c, Saw: first}
}

// Others returns one process for each mount namespace in the sandbox that is
// neither the host's nor a named actor's: the namespaces the learner made.
func (w *World) Others() []int {
	if w.listed {
		return w.others
	}
	w.listed = true
	known := map[string]bool{}
	for _, pid := range w.Actors {
		known[nsID(pid)] = true
	}
	seen := map[string]bool{}
	for _, pid := range sandboxPIDs() {
		id := nsID(pid)
		if id == "" || known[id] || seen[id] {
			continue
		}
		seen[id] = true
		w.others = append(w.others, pid)
	}
	return w.others
}

// sandboxPIDs lists the processes this /proc shows (the sandbox's, as a
// check runs there), in ascending order.
func sandboxPIDs() []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids
}

// nsID is the mount namespace of pid as readlink shows it: "mnt:[4026532281]".
func nsID(pid int) string {
	s, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/mnt")
	if err != nil {
		return ""
	}
	return s
}

func (w *World) table(pid int) (mountinfo.Table, error) {
	if m, ok := w.mounts[pid]; ok {
		return m, nil
	}
	m, err := mountinfo.Read(pid)
	if err != nil {
		return nil, err
	}
	if w.mounts == nil {
		w.mounts = map[int]mountinfo.Table{}
	}
	w.mounts[pid] = m
	return m, nil
}

// at returns the mount on top at path in pid's namespace (the last one
// listed: a later mount on the same point covers the earlier).
func (w *World) at(pid int, path string) (*mountinfo.Mount, error) {
	tab, err := w.table(pid)
	if err != nil {
		return nil, err
	}
	return tab.Top(filepath.Clean(path)), nil
}

// describe says what a mount is in words a learner can act on.
func describe(m *mountinfo.Mount) string {
	var parts []string
	switch {
	case m.Shared() && m.Slave():
		parts = append(parts, "shared,slave (in a peer group, and a slave of another)")
	case m.Shared():
		parts = append(parts, "shared")
	case m.Slave():
		parts = append(parts, "private,slave (receives from a master group, sends nothing)")
	default:
		parts = append(parts, "private (in no peer group, receives nothing)")
	}
	if m.Unbindable {
		parts = append(parts, "unbindable")
	}
	return strings.Join(parts, ", ")
}

func (w *World) eval(c Check, pid int) (bool, string) {
	who, whose := c.Who, c.Who+"'s namespace"
	where := who + " " + c.Path
	if who == "other" {
		who, whose = "your namespace", "your namespace"
		where = c.Path + " in your namespace"
	}
	needMount := func() (*mountinfo.Mount, string) {
		m, err := w.at(pid, c.Path)
		if err != nil {
			return nil, fmt.Sprintf("cannot read the mount table of %s: %v", whose, err)
		}
		if m == nil {
			return nil, fmt.Sprintf("%s is not a mount point in %s", c.Path, whose)
		}
		return m, ""
	}
	switch c.Kind {
	case "newns":
		if id := nsID(pid); id == "" || id == nsID(w.Actors["host"]) {
			return false, fmt.Sprintf("%s is in the host's mount namespace %s", who, id)
		}
		return true, ""

	case "mounted":
		m, err := w.at(pid, c.Path)
		if err != nil {
			return false, fmt.Sprintf("cannot read the mount table of %s: %v", whose, err)
		}
		if c.Not {
			if m != nil {
				return false, fmt.Sprintf("%s is a mount point (%s %s) in %s", c.Path, m.FSType, m.Source, whose)
			}
			return true, ""
		}
		if m == nil {
			return false, fmt.Sprintf("%s is not a mount point in %s", c.Path, whose)
		}
		if c.Arg != "" && m.FSType != c.Arg {
			return false, fmt.Sprintf("%s is a %s mount, not %s", where, m.FSType, c.Arg)
		}
		return true, ""

	case "prop":
		m, saw := needMount()
		if m == nil {
			return false, saw
		}
		if got := m.Propagation.String(); got != c.Arg {
			return false, fmt.Sprintf("%s is %s", where, describe(m))
		}
		return true, ""

	case "peer", "slaveof":
		m, saw := needMount()
		if m == nil {
			return false, saw
		}
		pid2, ok := w.Actors[c.Who2]
		if !ok {
			return false, fmt.Sprintf("no actor %q in this lab", c.Who2)
		}
		m2, err := w.at(pid2, c.Path2)
		if err != nil || m2 == nil {
			return false, fmt.Sprintf("%s %s is not a mount point", c.Who2, c.Path2)
		}
		other := c.Who2 + " " + c.Path2
		if !m2.Shared() {
			return false, fmt.Sprintf("%s is %s, so nothing can be its peer or slave", other, describe(m2))
		}
		if c.Kind == "peer" {
			same := m.PeerGroup == m2.PeerGroup
			switch {
			case same && c.Not:
				return false, fmt.Sprintf("%s is in the same peer group as %s", where, other)
			case !same && !c.Not && m.Master == m2.PeerGroup && m.Shared():
				return false, fmt.Sprintf("%s is shared,slave: a slave of %s's peer group and in a group of its own; it receives from %s but does not send to it", where, other, other)
			case !same && !c.Not && m.Master == m2.PeerGroup:
				return false, fmt.Sprintf("%s is a slave of %s's peer group, not in it: it receives but does not send", where, other)
			case !same && !c.Not && m.Shared():
				return false, fmt.Sprintf("%s is shared, but in a peer group of its own, not %s's", where, other)
			case !same && !c.Not:
				return false, fmt.Sprintf("%s is %s, not in %s's peer group", where, describe(m), other)
			}
			return true, ""
		}
		slave := m.Master == m2.PeerGroup
		switch {
		case slave && c.Not:
			return false, fmt.Sprintf("%s is a slave of %s's peer group", where, other)
		case !slave && !c.Not && m.PeerGroup == m2.PeerGroup:
			return false, fmt.Sprintf("%s is a peer of %s (sends as well as receives), not its slave", where, other)
		case !slave && !c.Not:
			return false, fmt.Sprintf("%s is %s; it receives nothing from %s", where, describe(m), other)
		}
		return true, ""

	case "locked", "bindable":
		// The kernel is asked to unmount (bind) the mount: mountinfo shows
		// neither a locked mount nor, before the try, a refused bind.
		m, saw := needMount()
		if m == nil {
			return false, saw
		}
		try, action, claimRefused := w.Locked, "an unmount", true
		refusedMeans, allowedMeans := "the mount is locked", "the mount is not locked"
		if c.Kind == "bindable" {
			try, action, claimRefused = w.Unbindable, "a bind", false
			refusedMeans, allowedMeans = "it is unbindable", "it is "+describe(m)
		}
		refused, err := try(pid, c.Path)
		switch {
		case err != nil:
			return false, fmt.Sprintf("trying %s of %s: %v", action, where, err)
		case refused == (claimRefused != c.Not):
			return true, ""
		case refused:
			return false, fmt.Sprintf("%s of %s is refused (EINVAL): %s", action, where, refusedMeans)
		}
		return false, fmt.Sprintf("%s of %s works: %s", action, where, allowedMeans)

	case "exists", "contains":
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/root%s", pid, c.Path))
		exists := err == nil || !os.IsNotExist(err)
		if c.Kind == "exists" {
			switch {
			case exists && c.Not:
				return false, fmt.Sprintf("%s exists as %s sees it", c.Path, who)
			case !exists && !c.Not:
				return false, fmt.Sprintf("%s does not exist as %s sees it", c.Path, who)
			}
			return true, ""
		}
		if err != nil {
			return false, fmt.Sprintf("cannot read %s as %s sees it: %v", c.Path, who, unwrapPath(err))
		}
		switch has := strings.Contains(string(data), c.Arg); {
		case has && c.Not:
			return false, fmt.Sprintf("%s holds %q", where, lineWith(string(data), c.Arg))
		case !has && !c.Not:
			return false, fmt.Sprintf("%s holds %q", where, firstLine(string(data)))
		}
		return true, ""

	case "whiteout", "opaque":
		return evalUpper(c, fmt.Sprintf("/proc/%d/root%s", pid, c.Path), where)

	case "option":
		m, saw := needMount()
		if m == nil {
			return false, saw
		}
		return evalOption(c, m, where)

	case "count":
		tab, err := w.table(pid)
		if err != nil {
			return false, fmt.Sprintf("cannot read the mount table of %s: %v", whose, err)
		}
		n := len(tab.Under(filepath.Clean(c.Path)))
		ok := n == c.N || (c.Cmp == ">=" && n > c.N) || (c.Cmp == "<=" && n < c.N)
		if !ok {
			return false, fmt.Sprintf("%s has %d %s at or under it", where, n, plural(n, "mount", "mounts"))
		}
		return true, ""

	case "answer", "answer-of", "answer-ns", "answer-file", "answer-pid":
		return w.evalAnswer(c)

	case "holds", "holds-procs", "holds-mounted":
		return w.evalHolds(c, pid)

	case "from":
		pid2, ok := w.Actors[c.Who2]
		if !ok {
			return false, fmt.Sprintf("no actor %q in this lab", c.Who2)
		}
		return w.evalFrom(c, pid, pid2)
	}
	return false, "unknown check kind " + c.Kind
}

func (w *World) evalAnswer(c Check) (bool, string) {
	got := strings.TrimSpace(w.Answer)
	if got == "" {
		return false, "no answer yet (give it with `nstool lab answer ...`)"
	}
	if c.Kind == "answer-file" || c.Kind == "answer-pid" {
		return w.evalAnswerFile(c, got)
	}
	var want string
	switch c.Kind {
	case "answer":
		want = c.Arg
	case "answer-ns":
		want = strings.TrimSuffix(strings.TrimPrefix(nsID(w.Actors[c.Who]), "mnt:["), "]")
		got = strings.TrimSuffix(strings.TrimPrefix(got, "mnt:["), "]")
	case "answer-of":
		m, err := w.at(w.Actors[c.Who], c.Path)
		if err != nil || m == nil {
			return false, fmt.Sprintf("%s %s is not a mount point", c.Who, c.Path)
		}
		for _, p := range []string{"shared:", "master:", "peer group ", "group "} {
			got = strings.TrimPrefix(got, p)
		}
		n := map[string]int{"peer group": m.PeerGroup, "master": m.Master, "mount id": m.ID, "parent id": m.Parent}[c.Arg]
		want = strconv.Itoa(n)
	}
	if got != want && c.Kind == "answer-ns" {
		for _, pid := range w.Others() {
			if strings.Contains(nsID(pid), "["+got+"]") {
				return false, fmt.Sprintf("your answer %s is the mount namespace of a shell you started (PID %d %s), not %s's", got, pid, comm(pid), c.Who)
			}
		}
	}
	if got != want {
		if what := w.whatIs(c.Who, got); what != "" {
			return false, fmt.Sprintf("your answer %s is %s", got, what)
		}
		return false, fmt.Sprintf("your answer %q is not it", got)
	}
	return true, ""
}

// whatIs says what a wrong numeric answer is in who's mount table, so the
// learner sees which field they read: "the parent ID of /lab".
func (w *World) whatIs(who, answer string) string {
	n, err := strconv.Atoi(answer)
	if err != nil || who == "" {
		return ""
	}
	tab, err := w.table(w.Actors[who])
	if err != nil {
		return ""
	}
	for _, m := range tab {
		switch n {
		case m.ID:
			return "the mount ID of " + m.Target
		case m.PeerGroup:
			return "the peer group (shared:N) of " + m.Target
		case m.Master:
			return "the master group (master:N) of " + m.Target
		}
	}
	for _, m := range tab {
		if n == m.Parent {
			return "the parent ID of " + m.Target
		}
	}
	return ""
}

func comm(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSpace(string(b))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// lineWith is the first line of s that holds text.
func lineWith(s, text string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, text) {
			return line
		}
	}
	return ""
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// plural is one or many as n asks: "1 mount", "2 mounts".
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
