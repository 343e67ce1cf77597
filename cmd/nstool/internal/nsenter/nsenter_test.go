package nsenter_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// probe prints the program's namespaces, credentials and directory.
const probe = `for n in mnt uts ipc net pid cgroup time user; do echo "$n $(readlink /proc/self/ns/$n)"; done
[ "$PPID" = 0 ] && echo "parent outside the pid namespace" || echo "parent in the pid namespace"
echo "uid $(id -u) gid $(id -g) groups $(id -G)"; echo "cwd $(pwd)"; hostname`

func compare(t *testing.T, tools []nsexectest.Tool, o nsexectest.Options, args ...string) nsexectest.Result {
	t.Helper()
	return nsexectest.Compare(t, "nsenter", tools, o, args...)
}

func TestNsenterAsUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "nsenter")
	pid := strconv.Itoa(nsexectest.Target(t, nil, "--pid", "--mount", "--uts", "--ipc", "--net", "--cgroup", "--time"))
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
		{"-t", pid, "-a", "-r", "--wdns=/usr"},
		{"-t", pid, "-m", "-W", "/nonexistent-nstool"},
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
	tools := nsexectest.ForNobody(t, nsexectest.Tools(t, "nsenter"))
	pid := strconv.Itoa(nsexectest.Target(t, nsexectest.Unprivileged(), "--user", "--map-root-user", "--mount", "--pid"))
	o := nsexectest.Options{Cred: nsexectest.Unprivileged()}
	for _, args := range [][]string{
		{"-t", pid, "-U", "-m", "-p", "--preserve-credentials"},
		{"-t", pid, "-U", "-m", "-p"},
		{"-t", pid, "-U", "-m", "-F"},
		{"-t", pid, "-a"}, // the target's cgroup namespace is the host's: refused
		{"-t", pid, "-m"}, // no privilege over the target's mount namespace without its user namespace
		{"-t", "1", "-a"}, // -a must stat PID 1's user namespace, which nobody may not
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			compare(t, tools, o, append(args, "sh", "-c", probe)...)
		})
	}
}

func TestNsenterExitCodesAndErrors(t *testing.T) {
	nstest.RequireRoot(t)
	tools := nsexectest.Tools(t, "nsenter")
	pid := strconv.Itoa(nsexectest.Target(t, nil, "--pid", "--mount"))
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
		{"-t", "99999999", "-a", "true"}, // -a: "stat of /proc/99999999/ns/user failed"
		{"--mount=/nonexistent-nstool", "true"},
		{"-t", pid, "--wd=/nonexistent-nstool", "true"},
		{"-t", pid, "--wd=/tmp", "--wdns=/tmp", "true"},
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
	// util-linux does not retry when Linux 6.18 refuses the bind for the
	// new namespace's ID (see spawn.BindNamespaceFiles): try each CPU.
	var out []byte
	var err error
	for cpu := 0; cpu < 2*runtime.NumCPU(); cpu++ {
		cmd := exec.Command("taskset", "-c", strconv.Itoa(cpu%runtime.NumCPU()), "unshare", "--mount="+file, "true")
		if out, err = cmd.CombinedOutput(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("util-linux unshare --mount=FILE: %v %s", err, out)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(file, &st); err != nil {
		t.Fatal(err)
	}
	r := nsexectest.Tool{Name: "nstool", Argv: []string{nstooltest.Binary(t), "nsenter"}}.Run(t, nsexectest.Options{},
		"--mount="+file, "readlink", "/proc/self/ns/mnt")
	if want := "mnt:[" + strconv.FormatUint(st.Ino, 10) + "]\n"; r.Stdout != want || r.Code != 0 {
		t.Errorf("got %+v, want %q", r, want)
	}
}
