// Package nsexectest runs util-linux unshare/nsenter and nstool side by side
// for differential tests: same arguments, optionally as another user, and
// the results normalised so that only real differences remain.
package nsexectest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/nsutil/nstest"
)

// Result is how a command ended.
type Result struct {
	Stdout, Stderr string
	Code           int            // exit code, -1 when killed
	Signal         syscall.Signal // the signal that killed it
}

// Tool is one implementation of a verb: util-linux ("unshare") or nstool
// ("/path/nstool unshare").
type Tool struct {
	Name string
	Argv []string
}

// Tools returns util-linux's verb and nstool's, in that order.
func Tools(t *testing.T, verb string) []Tool {
	t.Helper()
	if _, err := exec.LookPath(verb); err != nil {
		t.Skipf("util-linux %s is not installed: %v", verb, err)
	}
	return []Tool{{"util-linux", []string{verb}}, {"nstool", []string{nstest.Binary(t), verb}}}
}

// Options tune one run.
type Options struct {
	Cred  *syscall.Credential // run as this user (nil: as the test)
	Env   []string            // extra environment
	Stdin string
}

// Run runs tool with args and returns how it ended.
func (tl Tool) Run(t *testing.T, o Options, args ...string) Result {
	t.Helper()
	argv := append(append([]string{}, tl.Argv...), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = strings.NewReader(o.Stdin)
	cmd.Env = append(os.Environ(), o.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: o.Cred, Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		ws := ee.Sys().(syscall.WaitStatus)
		r.Code = ws.ExitStatus()
		if ws.Signaled() {
			r.Signal = ws.Signal()
		}
	default:
		t.Fatalf("%s: %v", strings.Join(argv, " "), err)
	}
	return r
}

// NormStderr makes nstool's messages comparable with util-linux's: the
// "nstool VERB:" prefix becomes "VERB:" and nstool's hints are dropped.
func NormStderr(verb, s string) string {
	s = strings.ReplaceAll(s, "nstool "+verb+": ", verb+": ")
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if i := strings.Index(l, " (need root: "); i >= 0 {
			l = l[:i]
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// Nobody is uid/gid 65534, for rootless runs.
var Nobody = &syscall.Credential{Uid: 65534, Gid: 65534, NoSetGroups: false, Groups: []uint32{}}

// SharedDir makes a world-writable directory (for rootless children) that is
// removed after the test.
func SharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "nstool-ns-test-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// ForNobody returns the tools with nstool copied where uid 65534 can run it
// (test binaries are built in private temporary directories).
func ForNobody(t *testing.T, tools []Tool) []Tool {
	t.Helper()
	dir := SharedDir(t)
	data, err := os.ReadFile(tools[1].Argv[0])
	if err != nil {
		t.Fatal(err)
	}
	bin := dir + "/nstool"
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	out := append([]Tool{}, tools...)
	out[1] = Tool{"nstool", append([]string{bin}, tools[1].Argv[1:]...)}
	return out
}

// procStat is the part of /proc/PID/stat tests look at.
type procStat struct {
	Comm                     string
	State                    byte
	PPid, Pgrp, Session, TPG int
}

// Stat reads /proc/PID/stat (ok false when the process is gone).
func Stat(pid int) (st procStat, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return st, false
	}
	s := string(b)
	open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || close < open {
		return st, false
	}
	st.Comm = s[open+1 : close]
	f := strings.Fields(s[close+2:])
	if len(f) < 6 {
		return st, false
	}
	st.State = f[0][0]
	st.PPid, _ = strconv.Atoi(f[1])
	st.Pgrp, _ = strconv.Atoi(f[2])
	st.Session, _ = strconv.Atoi(f[3])
	st.TPG, _ = strconv.Atoi(f[5])
	return st, true
}

// Descendant waits until root itself (a program executed in place) or a
// live, running descendant of root runs comm, and returns it.
func Descendant(root int, comm string) int {
	for {
		if pid := DescendantNow(root, comm); pid != 0 {
			return pid
		}
		syscall.Nanosleep(&syscall.Timespec{Nsec: 2e6}, nil)
	}
}

// DescendantNow is Descendant without waiting: 0 when there is none yet.
func DescendantNow(root int, comm string) int {
	{
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			st, ok := Stat(pid)
			if !ok || st.Comm != comm || st.State == 'Z' || st.State == 'T' {
				continue
			}
			for p, hops := pid, 0; p > 1 && hops < 10; hops++ {
				if p == root {
					return pid
				}
				pst, ok := Stat(p)
				if !ok {
					break
				}
				p = pst.PPid
			}
		}
	}
	return 0
}

// WaitGone waits until pid has ended (gone, or a zombie nobody reaped yet).
func WaitGone(pid int) {
	for {
		st, ok := Stat(pid)
		if !ok || st.State == 'Z' {
			return
		}
		syscall.Nanosleep(&syscall.Timespec{Nsec: 2e6}, nil)
	}
}
