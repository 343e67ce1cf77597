// Package labs holds nstool's guided labs and the engine that runs them.
//
// A lab is data: a folder labs/NN-name/ with README.md (the narrative) and
// lab.txt (setup, steps, checks, hints, reference solution), embedded in the
// binary. The engine starts a sandbox (a PID and mount namespace of its own,
// see sandbox_linux.go), runs the lab's setup in it, and checks each step by
// reading the kernel's state (check.go).
//
// The engine never prints and never names the command's verbs: each of its
// stages (the sandbox's init, its supervisor, actors, probes) is the nstool
// binary run again with a command line that the command supplies in a
// Stages value (stages.go), what a run shows goes to the io.Writers it is
// given, and failures are returned as errors (errors.go). The command,
// cmd/nstool/internal/lab, prints them and picks the exit status; see
// docs/labs.md, "Inside nstool".
package labs

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
)

//go:embed */README.md */lab.txt
var embedded embed.FS

// Lab is one parsed lab folder.
type Lab struct {
	ID       string // folder name, e.g. "04-types"
	Title    string
	Minutes  int
	Rootless bool   // the sandbox runs as an unprivileged user in a user namespace
	Intro    string // text before the first step, shown on `lab start`
	Setup    string // shell run in the sandbox before step 1
	Steps    []Step
	README   string
}

// Step is one thing the learner does, with its checks, hints and the
// reference solution that `lab verify` runs.
type Step struct {
	Title    string
	Text     string
	Checks   []Check
	Hints    []string
	Solution string
}

// Number is the lab's two-digit number ("04" for "04-types").
func (l *Lab) Number() string {
	n, _, _ := strings.Cut(l.ID, "-")
	return n
}

// LabsDirError is a $NSTOOL_LABS_DIR whose labs cannot be read; All still
// returns the built-in labs with it.
type LabsDirError struct {
	Dir string
	Err error
}

func (e *LabsDirError) Error() string {
	err := e.Err
	// The folder itself is named once: "DIR: no such file or directory",
	// not "DIR: open .: ..." (a lab's own file keeps its name).
	var pe *fs.PathError
	if errors.As(err, &pe) && (pe.Path == "." || pe.Path == e.Dir) {
		err = pe.Err
	}
	return fmt.Sprintf("$NSTOOL_LABS_DIR %s: %v; the built-in labs only", e.Dir, err)
}

func (e *LabsDirError) Unwrap() error { return e.Err }

// All returns the labs embedded in the binary, in order, and those in the
// folder $NSTOOL_LABS_DIR if set (a teacher's own labs, tried without
// rebuilding nstool; a lab there replaces an embedded one of the same ID).
func All() ([]*Lab, error) {
	labs, err := Load(embedded)
	if err != nil {
		return nil, err
	}
	dir := os.Getenv("NSTOOL_LABS_DIR")
	if dir == "" {
		return labs, nil
	}
	extra, err := Load(os.DirFS(dir))
	if _, statErr := os.Stat(dir); statErr != nil {
		err = statErr
	}
	if err != nil {
		return labs, &LabsDirError{Dir: dir, Err: err}
	}
	byID := map[string]*Lab{}
	for _, l := range append(labs, extra...) {
		byID[l.ID] = l
	}
	labs = labs[:0]
	for _, l := range byID {
		labs = append(labs, l)
	}
	sort.Slice(labs, func(i, j int) bool { return labs[i].ID < labs[j].ID })
	return labs, nil
}

// Load parses every NN-name/lab.txt in fsys (tests load their own folders).
// Hidden entries (a teacher's .git) are no labs.
func Load(fsys fs.FS) ([]*Lab, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []*Lab
	for _, e := range entries {
		if !isDir(fsys, e) || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if !labFolder().MatchString(e.Name()) {
			return nil, fmt.Errorf("lab %q: a lab's folder is named NN-name (04-types)", e.Name())
		}
		src, err := readLabFile(fsys, e.Name()+"/lab.txt")
		if err != nil {
			return nil, fmt.Errorf("lab %s: %w", e.Name(), err)
		}
		l, err := Parse(e.Name(), string(src))
		if err != nil {
			return nil, err
		}
		readme, err := readLabFile(fsys, e.Name()+"/README.md")
		if err != nil {
			return nil, fmt.Errorf("lab %s: %w", e.Name(), err)
		}
		l.README = string(readme)
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// isDir tells whether e is a folder, or a symbolic link to one (a
// teacher's labs linked from elsewhere).
func isDir(fsys fs.FS, e fs.DirEntry) bool {
	if e.Type()&fs.ModeSymlink == 0 {
		return e.IsDir()
	}
	st, err := fs.Stat(fsys, e.Name())
	return err == nil && st.IsDir()
}

// labFolder is the name of a lab's folder: a number, a dash and a name of
// letters, digits, dots, dashes or underscores (it is typed in commands).
var labFolder = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+-[A-Za-z0-9._-]+$`) })

// readLabFile reads one of a lab's files, a regular file of at most
// maxStateFile bytes: it is looked at before it is opened, since opening a
// FIFO waits for a writer (and a link to /dev/zero never ends).
func readLabFile(fsys fs.FS, name string) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readSmall(f, name)
}

// Find returns the lab whose ID is id, or else the one lab whose number or
// name part is id, or whose number and name are ("04-types": "04", "4",
// "types", "4-types"). A number two labs share is ambiguous (a teacher's
// 03-mine beside the built-in 03-peers).
func Find(all []*Lab, id string) (*Lab, error) {
	var found []*Lab
	for _, l := range all {
		if l.ID == id {
			return l, nil
		}
		if l.matches(id) {
			found = append(found, l)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("no lab %q (labs: %s)", id, idList(all))
	}
	return nil, fmt.Errorf("lab %q is ambiguous: %s", id, idList(found))
}

func idList(labs []*Lab) string {
	var ids []string
	for _, l := range labs {
		ids = append(ids, l.ID)
	}
	return strings.Join(ids, ", ")
}

// Is tells whether id names the lab, as Find reads it: its ID, its
// number, its name, or both.
func (l *Lab) Is(id string) bool { return l.ID == id || l.matches(id) }

// matches tells whether id names the lab by its number, its name, or both
// ("4", "04", "types", "4-types" for 04-types).
func (l *Lab) matches(id string) bool {
	num, name, _ := strings.Cut(l.ID, "-")
	if id == name {
		return true
	}
	idNum, idName, dash := strings.Cut(id, "-")
	return sameNumber(idNum, num) && (!dash || idName == name)
}

// sameNumber tells whether a and b are the same decimal number, leading
// zeros aside ("4", "04").
func sameNumber(a, b string) bool {
	digits := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	return digits(a) && digits(b) && strings.TrimLeft(a, "0") == strings.TrimLeft(b, "0")
}
