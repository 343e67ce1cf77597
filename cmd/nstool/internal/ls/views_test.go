package ls_test

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/nslist"
	"github.com/nstool/nstool/nsutil/nstest"
)

// nstool runs the built binary and returns stdout, stderr and exit code.
func nstool(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return nstooltest.Run(t, exec.Command(nstooltest.Binary(t), append([]string{"ls"}, args...)...))
}

func inode(t *testing.T, pid int, typ string) string {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(fmt.Sprintf("/proc/%d/ns/%s", pid, typ), &st); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatUint(st.Ino, 10)
}

// --namespace ID: exactly the processes /proc says are in it, each with
// what /proc/PID/status and /proc/PID/cgroup say.
func TestNamespaceViewMatchesProc(t *testing.T) {
	nstest.RequireRoot(t)
	// Three processes in one new UTS+IPC namespace: a shell and two sleeps.
	sh := exec.Command("sh", "-c", "sleep inf & sleep inf & wait")
	sh.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC, Pdeathsig: syscall.SIGKILL}
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The sleeps are the shell's children: kill the whole group of them.
		for _, pid := range childrenOf(sh.Process.Pid) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		_ = sh.Process.Kill()
		_ = sh.Wait()
	})
	var kids []int
	for len(kids) < 2 {
		kids = childrenOf(sh.Process.Pid)
		syscall.Nanosleep(&syscall.Timespec{Nsec: 2e6}, nil)
	}
	for _, k := range kids { // until both have exec'd sleep
		for {
			b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", k))
			if string(b) == "sleep\n" {
				break
			}
			syscall.Nanosleep(&syscall.Timespec{Nsec: 1e6}, nil)
		}
	}
	ns := inode(t, sh.Process.Pid, "uts")
	out, errOut, code := nstool(t, "--namespace", ns, "-r", "-n", "-o", "PID,PPID,NAME,NTHREADS,STATE,UID,CGROUPS,CMD")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := []int{sh.Process.Pid}
	want = append(want, kids...)
	rows := strings.Split(strings.TrimSpace(out), "\n")
	if len(rows) != len(want) {
		t.Fatalf("want %d processes %v, got:\n%s", len(want), want, out)
	}
	for i, pid := range want {
		p := &nslist.ProcInfo{PID: pid}
		if err := p.ReadDetails(); err != nil {
			t.Fatal(err)
		}
		cg, _ := nslist.ReadCgroups(pid)
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		cmdText := strings.TrimSuffix(strings.ReplaceAll(string(cmdline), "\x00", " "), " ")
		// raw output encodes blanks as \x20
		wantRow := strings.Join([]string{strconv.Itoa(pid), strconv.Itoa(p.PPID), p.Name, strconv.Itoa(p.Threads),
			string(p.State), "0", rawText(strings.Join(cg, ",")), rawText(cmdText)}, " ")
		if rows[i] != wantRow {
			t.Errorf("row %d:\n got  %q\n want %q", i, rows[i], wantRow)
		}
	}
}

func rawText(s string) string { return strings.ReplaceAll(s, " ", `\x20`) }

func childrenOf(pid int) []int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	var out []int
	for _, f := range strings.Fields(string(b)) {
		n, _ := strconv.Atoi(f)
		out = append(out, n)
	}
	return out
}

// --pid PID: one row per namespace type, the inode /proc/PID/ns/TYPE has,
// and same/differs against PID 1's and the caller's.
func TestPIDViewMatchesProc(t *testing.T) {
	nstest.RequireRoot(t)
	pid := nstest.SleepIn(t, &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUTS | syscall.CLONE_NEWNET})
	out, errOut, code := nstool(t, "--pid", strconv.Itoa(pid), "-r", "-n", "-o", "NS,TYPE,NPROCS,SELF,PID1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := strings.Split(strings.TrimSpace(out), "\n")
	if len(rows) != len(namespaces.AllTypes) {
		t.Fatalf("want %d namespaces, got:\n%s", len(namespaces.AllTypes), out)
	}
	seen := map[string]bool{}
	for _, row := range rows {
		f := strings.Fields(row)
		if len(f) != 5 {
			t.Fatalf("row %q", row)
		}
		typ := f[1]
		seen[typ] = true
		if ino := inode(t, pid, typ); f[0] != ino {
			t.Errorf("%s: NS %s, /proc says %s", typ, f[0], ino)
		}
		// The test process is the caller's parent here: same namespaces
		// as the caller (nstool), except the two the child made.
		wantSelf := "same"
		if typ == "uts" || typ == "net" {
			wantSelf = "differs"
		}
		if f[3] != wantSelf {
			t.Errorf("%s: SELF %s, want %s", typ, f[3], wantSelf)
		}
		wantInit := "?"
		if init, err := namespaces.Of(1, mustType(t, typ)); err == nil {
			wantInit = "differs"
			if strconv.FormatUint(init.Ino, 10) == f[0] {
				wantInit = "same"
			}
		}
		if f[4] != wantInit {
			t.Errorf("%s: PID1 %s, want %s", typ, f[4], wantInit)
		}
		if (typ == "uts" || typ == "net") && f[2] != "1" {
			t.Errorf("%s: NPROCS %s, want 1 (only the child is in it)", typ, f[2])
		}
	}
	if len(seen) != len(namespaces.AllTypes) {
		t.Errorf("types seen: %v", seen)
	}
}

func mustType(t *testing.T, s string) namespaces.Type {
	typ, err := namespaces.ParseType(s)
	if err != nil {
		t.Fatal(err)
	}
	return typ
}

// Bad input: one line on stderr, exit 1, nothing on stdout.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"foo"}, "nstool ls: invalid namespace argument: 'foo'"}, // not a TYPE either
		{[]string{"-t", "bar"}, "nstool ls: unknown namespace type: bar"},
		{[]string{"--namespace", "abc"}, "nstool ls: invalid namespace argument: 'abc'"},
		{[]string{"--namespace", "12345"}, "nstool ls: not found namespace: 12345"},
		{[]string{"12345"}, "nstool ls: not found namespace: 12345"},
		{[]string{"--pid", "abc"}, "nstool ls: invalid PID argument: 'abc'"},
		{[]string{"--pid", "5x"}, "nstool ls: invalid PID argument: '5x'"},
		{[]string{"--pid", "2147483648"}, "nstool ls: invalid PID argument: '2147483648': Numerical result out of range"},
		{[]string{"99999999999999999999999"}, "nstool ls: invalid namespace argument: '99999999999999999999999': Numerical result out of range"},
		{[]string{"4026531837", "-p", "1"}, "nstool ls: --task is mutually exclusive with <namespace>"},
		{[]string{"-o", "NS,BOGUS"}, "nstool ls: unknown column: BOGUS"},
		{[]string{"-o", "NS,NAME"}, "nstool ls: unknown column: NAME"},
		{[]string{"-J", "-r"}, "nstool ls: mutually exclusive arguments: --json --raw"},
		{[]string{"-T=sideways"}, "nstool ls: unknown tree type: sideways"},
		{[]string{"--pid", "1", "--namespace", "4026531837"}, "nstool ls: --pid is mutually exclusive with --namespace"},
	} {
		out, errOut, code := nstool(t, tc.args...)
		if code != 1 || out != "" || errOut != tc.msg+"\n" {
			t.Errorf("nstool ls %s: exit %d, stdout %q, stderr %q; want 1, \"\", %q", strings.Join(tc.args, " "), code, out, errOut, tc.msg)
		}
	}
}

// Processes exiting under the scan are never an error for the command
// either: every view, many times, while a shell keeps starting and reaping
// processes in new namespaces.
func TestCommandWhileProcessesExit(t *testing.T) {
	nstest.RequireRoot(t)
	nstest.Churn(t, "-u -n")
	self := strconv.Itoa(os.Getpid())
	views := [][]string{
		{"-o", "+PNS,ONS,MOUNTS,NSFS,NETNSID,PPID,UID,USER,PATH"},
		{"-T=owner"}, {"-T=parent"}, {"-T=process"}, {"-J"},
		{"--pid", self},
		{"--namespace", inode(t, os.Getpid(), "net"), "--output-all"},
	}
	for i := 0; i < 2; i++ {
		for _, args := range views {
			out, errOut, code := nstool(t, args...)
			if code != 0 || out == "" {
				t.Fatalf("nstool ls %s: exit %d, %d bytes out, stderr %q", strings.Join(args, " "), code, len(out), errOut)
			}
			if errOut != "" && (strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "nstool ls: could not read")) {
				t.Errorf("nstool ls %s: stderr %q", strings.Join(args, " "), errOut)
			}
		}
	}
}
