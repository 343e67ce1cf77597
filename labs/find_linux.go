package labs

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Sandbox is a running sandbox found from the host.
type Sandbox struct {
	InitPID int // as the host sees it
	Lab     string
	Actors  []string // names for `nstool lab shell`
	// StartedBy is the UID of the user who ran `nstool lab start|verify|demo`.
	StartedBy int
}

// FindSandboxes lists the running sandboxes of this user (all, for root) by
// their init's command line (stages.IsInit): nothing about them is written
// on the host.
func FindSandboxes(stages Stages) []Sandbox {
	ents, _ := os.ReadDir("/proc")
	var out []Sandbox
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if !stages.isInitPID(e.Name()) {
			continue
		}
		if os.Geteuid() != 0 {
			var st unix.Stat_t
			if unix.Stat("/proc/"+e.Name(), &st) != nil || int(st.Uid) != os.Geteuid() {
				continue
			}
		}
		sb := Sandbox{InitPID: pid, StartedBy: startedByOf(pid)}
		if s, err := stateSoon(stages, pid); err == nil {
			sb.Lab = s.Lab
			for name := range s.Actors {
				sb.Actors = append(sb.Actors, name)
			}
		}
		out = append(out, sb)
	}
	return out
}

// Running tells whether the sandbox still runs (its init is alive and
// still a sandbox's init, not a zombie or a new process).
func (sb Sandbox) Running(stages Stages) bool { return stages.isInitPID(strconv.Itoa(sb.InitPID)) }

// stateSoon reads the state of the sandbox whose init is pid. An init just
// started writes it within milliseconds, once it has built the sandbox's
// root: wait for it (a little while at most), so that a `lab reset` right
// at a lab's start finds the lab and can say who ended it.
func stateSoon(stages Stages, pid int) (*State, error) {
	path := fmt.Sprintf("/proc/%d/root%s", pid, stateFile)
	for try := 0; ; try++ {
		s, err := readStateFile(path)
		if err == nil || try == 200 || !stages.isInitPID(strconv.Itoa(pid)) {
			return s, err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startedByOf reads envStartedBy from the init's environment; without it
// (an older nstool), the owner of the process.
func startedByOf(pid int) int {
	env, _ := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	for _, kv := range strings.Split(string(env), "\x00") {
		if v, ok := strings.CutPrefix(kv, envStartedBy+"="); ok {
			if uid, err := strconv.Atoi(v); err == nil {
				return uid
			}
		}
	}
	var st unix.Stat_t
	if unix.Stat(fmt.Sprintf("/proc/%d", pid), &st) != nil {
		return -1
	}
	return int(st.Uid)
}

// End ends a running sandbox: it records who ended it where the learner's
// `lab start` will read it, then SIGKILLs the sandbox's init, which takes
// every process of its PID namespace, and with the last of them its
// namespaces and mounts (pid_namespaces(7), mount_namespaces(7)).
func (sb Sandbox) End(by string) error {
	path := fmt.Sprintf("/proc/%d/root%s", sb.InitPID, stateFile)
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		if unix.Flock(int(f.Fd()), unix.LOCK_EX) == nil {
			if s, err := readStateFile(path); err == nil {
				s.EndedBy = by
				// In place, not a new file renamed over it (writeState): in a
				// rootless sandbox root's UID is not mapped, and the kernel
				// refuses root a new file there (EOVERFLOW). The sandbox is
				// about to die; only the learner's nstool reads this after.
				if data, err := json.MarshalIndent(s, "", "  "); err == nil {
					if f.Truncate(0) == nil {
						f.WriteAt(append(data, '\n'), 0)
					}
				}
			}
		}
		f.Close()
	}
	return unix.Kill(sb.InitPID, unix.SIGKILL)
}
