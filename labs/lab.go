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
	"sort"
	"strings"
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
func Load(fsys fs.FS) ([]*Lab, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []*Lab
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		src, err := fs.ReadFile(fsys, e.Name()+"/lab.txt")
		if err != nil {
			return nil, fmt.Errorf("lab %s: %w", e.Name(), err)
		}
		l, err := Parse(e.Name(), string(src))
		if err != nil {
			return nil, err
		}
		if readme, err := fs.ReadFile(fsys, e.Name()+"/README.md"); err == nil {
			l.README = string(readme)
		} else {
			return nil, fmt.Errorf("lab %s: %w", e.Name(), err)
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Find returns the lab whose ID is id, or whose number or name part is id
// ("04", "4", "types", "04-types").
func Find(all []*Lab, id string) (*Lab, error) {
	for _, l := range all {
		num, name, _ := strings.Cut(l.ID, "-")
		if id == l.ID || id == num || id == name || "0"+id == num {
			return l, nil
		}
	}
	var ids []string
	for _, l := range all {
		ids = append(ids, l.ID)
	}
	return nil, fmt.Errorf("no lab %q (labs: %s)", id, strings.Join(ids, ", "))
}
