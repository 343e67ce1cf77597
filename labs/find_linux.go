package labs

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Sandbox is a running sandbox found from the host.
type Sandbox struct {
	InitPID int // as the host sees it
	Lab     string
	Actors  []string // names for `nstool lab shell`
}

// FindSandboxes lists the running sandboxes of this user (all, for root) by
// their init's command line: nothing about them is written on the host.
func FindSandboxes() []Sandbox {
	ents, _ := os.ReadDir("/proc")
	var out []Sandbox
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !strings.HasPrefix(string(cmdline), "nstool\x00lab\x00__init\x00") {
			continue
		}
		if os.Geteuid() != 0 {
			var st unix.Stat_t
			if unix.Stat("/proc/"+e.Name(), &st) != nil || int(st.Uid) != os.Geteuid() {
				continue
			}
		}
		sb := Sandbox{InitPID: pid}
		if s, err := readStateFile(fmt.Sprintf("/proc/%d/root%s", pid, stateFile)); err == nil {
			sb.Lab = s.Lab
			for name := range s.Actors {
				sb.Actors = append(sb.Actors, name)
			}
		}
		out = append(out, sb)
	}
	return out
}
