package crossns

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/sysfmt"
)

// Holding is one mount of a filesystem in one namespace: each keeps the
// filesystem alive (umount of the last copy elsewhere does not free it:
// "device or resource busy" comes from such a copy).
type Holding struct {
	NS    *Namespace
	Mount mountinfo.Mount
	// How relates the copy to the reference mount (the one the question
	// was asked about, in the caller's namespace): "this mount", "peer",
	// "slave", "private copy"...
	How string
	// Free is a command line that unmounts this copy.
	Free string
}

// Holders lists every mount, in every namespace, of the filesystem on
// device major:minor, the reference mount (a mount of m's, or nil) first.
func (m *Machine) Holders(major, minor uint32, ref *mountinfo.Mount) []Holding {
	var out []Holding
	for _, ns := range m.Namespaces {
		for i := range ns.Mounts {
			mt := &ns.Mounts[i]
			if mt.Major != major || mt.Minor != minor {
				continue
			}
			h := Holding{NS: ns, Mount: *mt, How: relation(mt, ref), Free: freeLine(ns, mt)}
			if mt == ref {
				out = append([]Holding{h}, out...)
				continue
			}
			out = append(out, h)
		}
	}
	return out
}

// relation says how mount mt stands to the reference mount ref.
func relation(mt, ref *mountinfo.Mount) string {
	switch p := mt.Propagation; {
	case ref == nil:
	case mt == ref:
		return "this mount"
	case p.PeerGroup != 0 && p.PeerGroup == ref.PeerGroup:
		return fmt.Sprintf("peer (shared:%d)", p.PeerGroup)
	case p.Master != 0 && p.Master == ref.PeerGroup:
		return fmt.Sprintf("its slave (master:%d)", p.Master)
	}
	return describe(mt)
}

// freeLine is a command that unmounts mt in ns from the caller's: entered
// by a member process, or by the file that holds the namespace.
func freeLine(ns *Namespace, mt *mountinfo.Mount) string {
	target := sysfmt.ShellQuote(mt.Target)
	switch {
	case len(ns.PIDs) > 0:
		return fmt.Sprintf("nstool nsenter -t %d -m umount %s", oldest(ns.PIDs), target)
	case len(ns.Holders) > 0 && strings.HasPrefix(ns.Holders[0], "/"):
		return fmt.Sprintf("nstool nsenter --mount=%s umount %s   # or drop the namespace: umount %s",
			sysfmt.ShellQuote(ns.Holders[0]), target, sysfmt.ShellQuote(ns.Holders[0]))
	case len(ns.Holders) > 0:
		var pid, fd int
		if _, err := fmt.Sscanf(ns.Holders[0], "pid %d fd %d", &pid, &fd); err == nil {
			return fmt.Sprintf("nstool nsenter --mount=/proc/%d/fd/%d umount %s   # or stop process %d, which holds it open", pid, fd, target, pid)
		}
	}
	return ""
}

// oldest is the member process that started first: the one most likely
// to be there still when the line is run (a namespace's processes come
// and go, a short-lived one may have the lowest PID once PIDs wrapped).
// The start time is field 22 of /proc/PID/stat (proc(5)); a process whose
// stat cannot be read is passed over, and the lowest PID serves if none is
// read.
func oldest(pids []int) int {
	best, bestStart := pids[0], uint64(math.MaxUint64)
	for _, pid := range pids {
		if start, ok := startTime(pid); ok && start < bestStart {
			best, bestStart = pid, start
		}
	}
	return best
}

// startTime reads a process's start time, in clock ticks after boot.
func startTime(pid int) (uint64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command (field 2) is in parentheses and may hold anything: the
	// fields after it start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 20 { // state is field 3, starttime field 22
		return 0, false
	}
	n, err := strconv.ParseUint(fields[19], 10, 64)
	return n, err == nil
}
