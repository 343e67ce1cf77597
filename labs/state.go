package labs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// Inside the sandbox the engine keeps its state on the sandbox's own root
// tmpfs, so it dies with the sandbox and is never on the host.
const (
	SandboxDir = "/.nstool"
	stateFile  = SandboxDir + "/state.json"
	// LabDir is the lab's work area, a tmpfs of its own.
	LabDir = "/lab"
)

// State is what the sandbox remembers while a lab runs.
type State struct {
	Lab    string         `json:"lab"`
	Step   int            `json:"step"`  // index of the current step; len(Steps) when done
	Hints  int            `json:"hints"` // hints given for the current step
	Answer string         `json:"answer,omitempty"`
	Done   bool           `json:"done"`
	Actors map[string]int `json:"actors"` // name → PID in the sandbox; "host" is 1
	// EndedBy names who ended the sandbox from outside (`lab reset`), for
	// the learner's terminal to say.
	EndedBy string `json:"ended_by,omitempty"`
	// AdvancedBy is the shell whose `lab check` moved to the current step:
	// it has shown the step; other terminals are told at their next prompt.
	AdvancedBy int `json:"advanced_by,omitempty"`
	// UserNS and MountNS are the sandbox's user namespace and the host's
	// mount namespace (readlink /proc/1/ns/... as init sees them): a shell
	// in another user namespace is the learner's (InOwnUserNS), which may
	// not read init's links (ptrace access mode, proc(5)).
	UserNS  string `json:"userns,omitempty"`
	MountNS string `json:"mntns,omitempty"`
}

// errNotInSandbox is what the learner's commands say outside a sandbox.
var errNotInSandbox = errors.New("not inside a lab sandbox: start one with `nstool lab start ID`")

// InSandbox reports whether this process runs inside a lab sandbox.
func InSandbox() bool {
	_, err := os.Stat(stateFile)
	return err == nil
}

// ReadState reads the sandbox's state.
func ReadState() (*State, error) { return readStateFile(stateFile) }

func readStateFile(path string) (*State, error) {
	data, err := readSmallFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, errNotInSandbox
		}
		return nil, err
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, brokenFile(path, err)
	}
	if err := s.check(); err != nil {
		return nil, brokenFile(path, err)
	}
	return &s, nil
}

// check refuses a state the engine never writes (root in the sandbox may
// write the file): a step or a hint count below 0 would index no step.
func (s *State) check() error {
	if s.Step < 0 || s.Hints < 0 {
		return fmt.Errorf("step %d, hints %d", s.Step, s.Hints)
	}
	for name, pid := range s.Actors {
		if pid <= 0 {
			return fmt.Errorf("actor %s is pid %d", name, pid)
		}
	}
	return nil
}

// brokenFile is one of the engine's files in the sandbox that it cannot
// use: the way on is a new sandbox.
func brokenFile(path string, err error) error {
	return fmt.Errorf("%s is broken (%v): `exit`, then `nstool lab start` the lab again", path, err)
}

// UpdateState changes the state under an exclusive lock (actors and checks
// may write at once) and returns the new state.
func UpdateState(change func(*State) error) (*State, error) {
	f, err := os.OpenFile(stateFile, os.O_RDWR, 0)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, errNotInSandbox
		}
		return nil, err
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		return nil, err
	}
	s, err := readStateFile(stateFile)
	if err != nil {
		return nil, err
	}
	if err := change(s); err != nil {
		return nil, err
	}
	return s, writeState(s)
}

func writeState(s *State) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := stateFile + ".tmp" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, stateFile)
}

// Progress is what a user has done, kept on the host in
// $XDG_STATE_HOME/nstool/progress.json (default ~/.local/state): a stale or
// missing file only means "nothing done yet".
type Progress map[string]LabProgress

// LabProgress is one lab's entry.
type LabProgress struct {
	Done bool `json:"done"`
	Best int  `json:"best_step"` // steps passed, at most
}

// Passed is how many of a lab's steps (of steps) the entry says were
// passed, when it can be so: a number the engine never writes (below 0,
// beyond the lab's steps, every step but not done: a file edited by hand,
// or kept from a longer version of the lab) is none.
func (p LabProgress) Passed(steps int) int {
	if p.Best < 0 || p.Best > steps || p.Best == steps && !p.Done {
		return 0
	}
	return p.Best
}

func progressPath() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	// A relative path is invalid and ignored (XDG Base Directory
	// Specification): it would name a folder of the working directory.
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "nstool", "progress.json"), nil
}

// LoadProgress reads the user's progress; a missing or broken file is empty.
func LoadProgress() Progress {
	p := Progress{}
	path, err := progressPath()
	if err != nil {
		return p
	}
	if data, err := readSmallFile(path); err == nil {
		_ = json.Unmarshal(data, &p)
	}
	return p
}

// maxStateFile bounds what the engine reads of its own JSON files: they
// hold a few lines; a larger one (or /dev/zero behind a symlink) is broken.
const maxStateFile = 1 << 20

// readSmallFile reads a regular file of at most maxStateFile bytes. It is
// opened without blocking: open(2) of a FIFO waits for a writer otherwise
// (fifo(7)), and a FIFO is no file of the engine's.
func readSmallFile(path string) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	return readSmall(f, path)
}

// readSmall reads f, a file named path, if it is regular and at most
// maxStateFile bytes long.
func readSmall(f fs.File, path string) ([]byte, error) {
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxStateFile+1))
	if err == nil && len(data) > maxStateFile {
		err = fmt.Errorf("%s: larger than %d bytes", path, maxStateFile)
	}
	return data, err
}

// ProgressOnDisk says whether the progress file exists (a file, or
// anything else in its place), readable or not.
func ProgressOnDisk() bool {
	path, err := progressPath()
	if err != nil {
		return false
	}
	_, err = os.Lstat(path)
	return err == nil
}

// Save writes the progress file (atomically: a kill leaves old or new).
func (p Progress) Save() error {
	path, err := progressPath()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		// rename(2) would say EEXIST ("file exists") of the temporary file.
		return fmt.Errorf("%s: is a directory", path)
	}
	data, _ := json.MarshalIndent(p, "", "  ")
	tmp := path + ".tmp" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// LoadSandboxLab reads the lab the sandbox runs.
func LoadSandboxLab() (*Lab, error) {
	data, err := readSmallFile(SandboxDir + "/lab.json")
	if err != nil {
		return nil, errNotInSandbox
	}
	var l Lab
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, brokenFile(SandboxDir+"/lab.json", err)
	}
	return &l, nil
}
