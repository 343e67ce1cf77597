package nsenter_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// target starts `unshare ARGS --fork --kill-child sleep infinity` (util-linux)
// and returns the PID of the sleep; killing unshare in Cleanup kills it.
func target(t *testing.T, cred *syscall.Credential, args ...string) int {
	t.Helper()
	argv := append(append([]string{}, args...), "--fork", "--kill-child", "sleep", "infinity")
	cmd := exec.Command("unshare", argv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	children := "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task/" + strconv.Itoa(cmd.Process.Pid) + "/children"
	for {
		b, _ := os.ReadFile(children)
		if f := strings.Fields(string(b)); len(f) == 1 {
			if exe, _ := os.Readlink("/proc/" + f[0] + "/exe"); strings.HasSuffix(exe, "/sleep") {
				pid, _ := strconv.Atoi(f[0])
				return pid
			}
		}
		syscall.Nanosleep(&syscall.Timespec{Nsec: 2e6}, nil)
	}
}

// probe prints the program's namespaces, credentials and directory.
const probe = `for n in mnt uts ipc net pid cgroup time user; do echo "$n $(readlink /proc/self/ns/$n)"; done
[ "$PPID" = 0 ] && echo "parent outside the pid namespace" || echo "parent in the pid namespace"
echo "uid $(id -u) gid $(id -g) groups $(id -G)"; echo "cwd $(pwd)"; hostname`

var pidNumbers = regexp.MustCompile(`/proc/[0-9]+/`)

func compare(t *testing.T, tools []nsexectest.Tool, o nsexectest.Options, args ...string) nsexectest.Result {
	t.Helper()
	ul := tools[0].Run(t, o, args...)
	ns := tools[1].Run(t, o, args...)
	ns.Stderr = nsexectest.NormStderr("nsenter", ns.Stderr)
	if ul != ns {
		t.Errorf("nsenter %s:\nutil-linux %+v\nnstool     %+v", strings.Join(args, " "), ul, ns)
	}
	return ns
}

func TestNsenterAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "nsenter")
	pid := strconv.Itoa(target(t, nil, "--pid", "--mount", "--uts", "--ipc", "--net", "--cgroup", "--time"))
	if err := exec.Command("nsenter", "-t", pid, "-u", "hostname", "nstool-target").Run(); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-t", pid, "-a"},
		{"-t", pid, "-m"},
		{"-t", pid, "-m", "-u", "-i", "-n"},
		{"-t", pid, "-p"},
		{"-t", pid, "-p", "-F"},
		{"-t", pid, "-C", "-T"},
		{"-t", pid, "-a", "-r"},
		{"-t", pid, "-a", "-w"},
		{"-t", pid, "-m", "--wd=/tmp"},
		{"-t", pid, "-a", "--root=/", "--wd=/usr"},
		{"-t", pid, "-a", "-S", "1", "-G", "2"},
		{"-t", pid, "-U"}, // our own user namespace: setns refuses it
		{"--mount=/proc/" + pid + "/ns/mnt", "--uts=/proc/" + pid + "/ns/uts"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			compare(t, tools, nsexectest.Options{}, append(args, "sh", "-c", probe)...)
		})
	}
}

func TestNsenterRootless(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.ForNobody(t, nsexectest.Tools(t, "nsenter"))
	pid := strconv.Itoa(target(t, nsexectest.Nobody, "--user", "--map-root-user", "--mount", "--pid"))
	o := nsexectest.Options{Cred: nsexectest.Nobody}
	for _, args := range [][]string{
		{"-t", pid, "-U", "-m", "-p", "--preserve-credentials"},
		{"-t", pid, "-U", "-m", "-p"},
		{"-t", pid, "-U", "-m", "-F"},
		{"-t", pid, "-a"}, // the target's cgroup namespace is the host's: refused
		{"-t", pid, "-m"}, // no privilege over the target's mount namespace without its user namespace
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			compare(t, tools, o, append(args, "sh", "-c", probe)...)
		})
	}
}

func TestNsenterExitCodesAndErrors(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "nsenter")
	pid := strconv.Itoa(target(t, nil, "--pid", "--mount"))
	for _, args := range [][]string{
		{"-t", pid, "-m", "sh", "-c", "exit 3"},
		{"-t", pid, "-p", "sh", "-c", "exit 4"},
		{"-t", pid, "-p", "sh", "-c", "kill -TERM $$"},
		{"-t", pid, "-m", "sh", "-c", "kill -TERM $$"},
		{"-t", pid, "-a", "nosuchprogram-nstool"},
		{"-t", pid, "-a", "/etc/passwd"},
		{"-t", "abc", "-m", "true"},
		{"-t", "99999999", "-m", "true"},
		{"-m", "true"},
		{"-a", "true"},
		{"--mount=/nonexistent-nstool", "true"},
		{"-t", pid, "--wd=/nonexistent-nstool", "true"},
		{"-t", pid, "-S", "x", "true"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := compare(t, tools, nsexectest.Options{}, args...)
			if strings.Count(r.Stderr, "\n") > 1 {
				t.Errorf("more than one line on stderr: %q", r.Stderr)
			}
		})
	}
}

// TestNsenterPersisted: nstool nsenter enters a namespace that util-linux
// unshare kept on a file.
func TestNsenterPersisted(t *testing.T) {
	nstest.RequireRoot(t)
	file := filepath.Join(t.TempDir(), "mnt")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for syscall.Unmount(file, syscall.MNT_DETACH) == nil {
		}
	})
	if out, err := exec.Command("unshare", "--mount="+file, "true").CombinedOutput(); err != nil {
		t.Fatalf("util-linux unshare --mount=FILE: %v %s", err, out)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(file, &st); err != nil {
		t.Fatal(err)
	}
	r := nsexectest.Tool{Name: "nstool", Argv: []string{nstest.Binary(t), "nsenter"}}.Run(t, nsexectest.Options{},
		"--mount="+file, "readlink", "/proc/self/ns/mnt")
	if want := "mnt:[" + strconv.FormatUint(st.Ino, 10) + "]\n"; r.Stdout != want || r.Code != 0 {
		t.Errorf("got %+v, want %q", r, want)
	}
}
