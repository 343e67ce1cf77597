package lab

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nstool/nstool/labs"
	"github.com/nstool/nstool/nsutil/nstest"
)

// proc is one process seen in /proc, with the namespaces it holds.
type proc struct {
	pid, ppid int
	start     string // starttime: a PID reused later is another process
	ns        []string
}

func readProc(pid int) (proc, bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return proc{}, false
	}
	// The command name (field 2) may hold spaces: fields count from ")".
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(f) < 20 || f[0] == "Z" {
		return proc{}, false
	}
	p := proc{pid: pid, start: f[19]}
	p.ppid, _ = strconv.Atoi(f[1])
	for _, t := range []string{"mnt", "pid", "user"} {
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, t)); err == nil {
			p.ns = append(p.ns, l)
		}
	}
	return p, true
}

func allProcs() map[int]proc {
	out := map[int]proc{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			if p, ok := readProc(pid); ok {
				out[pid] = p
			}
		}
	}
	return out
}

// uptimeTicks is the time since boot in the unit of /proc/PID/stat's
// starttime: clock ticks, USER_HZ = 100 on Linux (proc(5)).
func uptimeTicks(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		t.Fatal(err)
	}
	secs, err := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	if err != nil {
		t.Fatal(err)
	}
	return int64(secs * 100)
}

// descendants returns root and every process below it.
func descendants(root int) []proc {
	all := allProcs()
	kids := map[int][]int{}
	for _, p := range all {
		kids[p.ppid] = append(kids[p.ppid], p.pid)
	}
	var out []proc
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if p, ok := all[pid]; ok {
			out = append(out, p)
		}
		queue = append(queue, kids[pid]...)
	}
	return out
}

// SIGKILL any nstool lab process at a random moment: afterwards no process
// of the sandbox is left, no process holds any of its namespaces, and the
// mount table is exactly as before. (The seed is logged to replay a run.)
func TestNothingLeftBehindAfterSIGKILL(t *testing.T) {
	nstest.RequireRoot(t)
	bin := nstest.Binary(t)
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	all, _ := labs.All()
	l, _ := labs.Find(all, "05")
	var script strings.Builder
	for _, s := range l.Steps {
		script.WriteString(s.Solution + "\nnstool lab check\n")
	}
	script.WriteString("exit\n")
	before, _ := os.ReadFile("/proc/self/mountinfo")
	hostNS := map[string]bool{}
	for _, p := range allProcs() {
		for _, n := range p.ns {
			hostNS[n] = true
		}
	}

	modes := [][]string{
		{"lab", "verify", "05-slave"},
		{"lab", "demo", "05-slave", "--no-pause"},
		{"lab", "start", "05-slave"},
	}
	for round := 0; round < 12; round++ {
		args := modes[round%len(modes)]
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
		cmd.Stdin = strings.NewReader(script.String())
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Watch the sandbox grow, remembering every process and namespace
		// it had, until the moment of the kill.
		seen := map[int]proc{}
		deadline := time.Now().Add(time.Duration(rng.Intn(900)) * time.Millisecond)
		for time.Now().Before(deadline) {
			for _, p := range descendants(cmd.Process.Pid) {
				seen[p.pid] = p
			}
			time.Sleep(2 * time.Millisecond)
		}
		live := descendants(cmd.Process.Pid)
		victim := cmd.Process.Pid
		if len(live) > 1 && rng.Intn(3) > 0 {
			victim = live[1+rng.Intn(len(live)-1)].pid
		}
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", victim))
		t.Logf("round %d: %s, SIGKILL after %d processes seen to %d (%s)", round, strings.Join(args, " "), len(seen), victim,
			strings.ReplaceAll(strings.TrimSpace(string(comm)), "\x00", " "))
		killedAt := uptimeTicks(t)
		syscall.Kill(victim, syscall.SIGKILL)
		cmd.Wait()

		// Cleanup happens in the kernel, after the kill: give it the time
		// it takes, then it must be complete.
		var left []string
		for wait := 0; wait < 1000; wait++ {
			left = left[:0]
			now := allProcs()
			for _, p := range seen {
				if q, ok := now[p.pid]; ok && q.start == p.start {
					left = append(left, fmt.Sprintf("process %d still runs", p.pid))
				}
			}
			sandboxNS := map[string]bool{}
			for _, p := range seen {
				for _, n := range p.ns {
					if !hostNS[n] {
						sandboxNS[n] = true
					}
				}
			}
			for _, q := range now {
				// Namespace inode numbers are reused once a namespace
				// is freed: a process that other tests started after
				// the kill may hold a new namespace with an old number.
				// A sandbox process was started before the kill.
				if start, _ := strconv.ParseInt(q.start, 10, 64); start > killedAt {
					continue
				}
				for _, n := range q.ns {
					if sandboxNS[n] {
						left = append(left, fmt.Sprintf("process %d holds the sandbox's %s", q.pid, n))
					}
				}
			}
			if len(left) == 0 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if len(left) > 0 {
			t.Fatalf("round %d: left behind: %s", round, strings.Join(left, "; "))
		}
		after, _ := os.ReadFile("/proc/self/mountinfo")
		if !bytes.Equal(before, after) {
			t.Fatalf("round %d: the mount table changed:\n%s\n----\n%s", round, before, after)
		}
	}
}
