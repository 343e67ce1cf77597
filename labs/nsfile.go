package labs

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/namespaces"
)

// Checks on namespace files. A bind mount of /proc/PID/ns/TYPE (what
// `unshare --mount=FILE` and `ip netns add` make) is an inode of nsfs that
// keeps the namespace alive when no process is in it (namespaces(7)). The
// checks read the file as an actor sees it: statfs(2) says whether it is
// nsfs, stat(2) which namespace (its inode), the NS_GET_NSTYPE ioctl of
// which type; the processes in it are those whose /proc/PID/ns/TYPE is the
// same inode; its mount table is read by a thread that joins it.

// nsFile is what a path holds as an actor sees it.
type nsFile struct {
	open string // the path this process opens: /proc/PID/root/PATH
	held bool   // a namespace file: then id and typ are set
	id   namespaces.ID
	typ  namespaces.Type
	saw  string // when not held, what the path is
}

// link is the namespace as readlink shows it: "mnt:[4026532281]".
func (f nsFile) link() string { return fmt.Sprintf("%s:[%d]", f.typ, f.id.Ino) }

func (w *World) nsFileAt(pid int, path string) nsFile {
	f := nsFile{open: fmt.Sprintf("/proc/%d/root%s", pid, path)}
	var fs unix.Statfs_t
	if err := unix.Statfs(f.open, &fs); err != nil {
		f.saw = fmt.Sprintf("%s: %v", path, err)
		return f
	}
	if fs.Type != unix.NSFS_MAGIC {
		on := "a filesystem"
		if tab, err := w.table(pid); err == nil {
			if m := tab.Containing(filepath.Clean(path)); m != nil {
				on = m.FSType
			}
		}
		f.saw = fmt.Sprintf("%s is a file on %s, no namespace file: nothing is bound on it", path, on)
		return f
	}
	r, err := namespaces.ReadRelations(f.open)
	if err != nil {
		f.saw = fmt.Sprintf("%s is on nsfs, but: %v", path, unwrapPath(err))
		return f
	}
	id, err := namespaces.Stat(f.open)
	if err != nil {
		f.saw = fmt.Sprintf("%s is on nsfs, but: %v", path, unwrapPath(err))
		return f
	}
	f.held, f.id, f.typ = true, id, r.Type
	return f
}

// procsIn lists the processes of the sandbox in f's namespace, as
// "PID (comm)", but for this one: a `lab check` typed inside is no daemon.
func procsIn(f nsFile) []string {
	var out []string
	for _, pid := range sandboxPIDs() {
		if pid == os.Getpid() {
			continue
		}
		if id, err := namespaces.Of(pid, f.typ); err == nil && id == f.id {
			out = append(out, fmt.Sprintf("%d (%s)", pid, comm(pid)))
		}
	}
	return out
}

// evalHolds is a "holds" check on the file at c.Path in pid's namespace.
func (w *World) evalHolds(c Check, pid int) (bool, string) {
	f := w.nsFileAt(pid, c.Path)
	if c.Kind == "holds" && c.Not {
		if f.held {
			return false, fmt.Sprintf("%s holds %s: a bind of a namespace file is still mounted there", c.Path, f.link())
		}
		return true, ""
	}
	if !f.held {
		return false, f.saw
	}
	switch c.Kind {
	case "holds":
		if c.Arg != "" && f.typ.String() != c.Arg {
			return false, fmt.Sprintf("%s holds %s, a %s namespace, not a %s one", c.Path, f.link(), f.typ, c.Arg)
		}
		return true, ""
	case "holds-procs":
		procs := procsIn(f)
		switch {
		case c.Not && len(procs) > 0:
			return false, fmt.Sprintf("%s holds %s, and %s in it: %s", c.Path, f.link(), plural(len(procs), "a process is", "processes are"), strings.Join(procs, ", "))
		case !c.Not && len(procs) == 0:
			return false, fmt.Sprintf("%s holds %s, which no process is in: only the file keeps it", c.Path, f.link())
		}
		return true, ""
	}
	// holds-mounted: the namespace's own mount table.
	if f.typ != namespaces.Mnt {
		return false, fmt.Sprintf("%s holds %s, a %s namespace: it has no mounts of its own", c.Path, f.link(), f.typ)
	}
	if w.nsTables == nil {
		w.nsTables = map[string]mountinfo.Table{}
	}
	tab, ok := w.nsTables[f.open]
	if !ok {
		var err error
		if tab, err = mountinfo.ReadJoined(f.open); err != nil {
			return false, fmt.Sprintf("cannot read the mount table of %s: %v", f.link(), err)
		}
		w.nsTables[f.open] = tab
	}
	m := tab.Top(filepath.Clean(c.Path2))
	where := fmt.Sprintf("%s in the namespace on %s (%s)", c.Path2, c.Path, f.link())
	switch {
	case c.Not && m != nil:
		return false, fmt.Sprintf("%s is a mount point (%s %s)", where, m.FSType, m.Source)
	case c.Not:
		return true, ""
	case m == nil:
		return false, fmt.Sprintf("%s is not a mount point", where)
	case c.Arg != "" && m.FSType != c.Arg:
		return false, fmt.Sprintf("%s is a %s mount, not %s", where, m.FSType, c.Arg)
	}
	return true, ""
}

// evalAnswerFile checks an answer about the namespace a file holds: its
// inode (what `nstool ls` and lsns call NS), or a PID of a process in it.
func (w *World) evalAnswerFile(c Check, got string) (bool, string) {
	f := w.nsFileAt(w.Actors[c.Who], c.Path)
	if !f.held {
		return false, f.saw
	}
	if c.Kind == "answer-pid" {
		pid, err := strconv.Atoi(got)
		if err != nil {
			return false, fmt.Sprintf("your answer %q is no PID", got)
		}
		id, err := namespaces.Of(pid, f.typ)
		switch {
		case err != nil:
			return false, fmt.Sprintf("your answer %d is no process of the lab: %v", pid, unwrapPath(err))
		case id != f.id:
			return false, fmt.Sprintf("PID %d (%s) is in %s:[%d], not in the namespace on %s (%s)", pid, comm(pid), f.typ, id.Ino, c.Path, f.link())
		}
		return true, ""
	}
	got = strings.TrimSuffix(strings.TrimPrefix(got, f.typ.String()+":["), "]")
	if got == strconv.FormatUint(f.id.Ino, 10) {
		return true, ""
	}
	for who, pid := range w.Actors {
		if id, err := namespaces.Of(pid, f.typ); err == nil && strconv.FormatUint(id.Ino, 10) == got {
			return false, fmt.Sprintf("your answer %s is %s's own %s namespace, not the one on %s", got, who, f.typ, c.Path)
		}
	}
	return false, fmt.Sprintf("your answer %q is not the namespace on %s", got, c.Path)
}
