package pivotroot_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// prelude runs first in each case's throwaway mount namespace: a private
// tmpfs on $T as the working directory, and makeroot DIR, which makes DIR a
// place to chroot into that has the host's /usr (merged /usr: bin, lib,
// lib64 and sbin are links into it) and the nstool under test as /nstool.
const prelude = `set -e
mount -t tmpfs pivot-test "$T"; cd "$T"
makeroot() { mkdir -p "$1/usr" "$1/proc"; mount --rbind /usr "$1/usr"; mount -t proc proc "$1/proc"
	for d in bin lib lib64 sbin; do ln -s usr/$d "$1/$d"; done; cp "$BIN" "$1/nstool"; }
set +e
`

// after says what the namespace looks like once the command ran, with
// shell builtins only (after a pivot, /usr is under put_old): the working
// directory, the root's entries and the mount table as the shell reads it
// now (targets, optional fields, types), from /proc or, after a pivot, from
// the old root's /proc at /old.
const after = `
echo "cwd: $(pwd)"; echo "root: " /*
for m in /proc/self/mountinfo /old/proc/self/mountinfo; do
	[ -r $m ] || continue
	while read -r id parent dev root target opts rest; do echo "$target $rest"; done <$m
	break
done
`

// The differential table: each case runs util-linux pivot_root and nstool
// pivot_root in a mount namespace of its own (`unshare -m --propagation
// private`), after the same setup; both must print the same (but for the
// program's name), exit with the same code and leave the same namespace.
// {P} is the command: "pivot_root" or "$BIN pivot_root" ("/nstool
// pivot_root" inside a chroot made by makeroot, {PC}).
var differential = []struct{ name, script string }{
	{"no arguments", "{P}"},
	{"one argument", "{P} a"},
	{"three arguments", "{P} a b c"},
	{"-- and two arguments", "{P} -- a b"},
	{"-- first, then one", "mkdir -p -- n; {P} -- n"},
	{"one, then --", "{P} a --"},
	{"-- --", "{P} -- --"},
	{"-- -h", "{P} -- -h"},
	{"a dash", "{P} - -"},
	{"empty arguments", "{P} '' ''"},
	{"unknown long option", "{P} --x a b"},
	{"unknown long option with a value", "{P} --x=1 a b"},
	{"unknown short option", "{P} -x a b"},
	{"unknown short option after the arguments", "{P} a b -x"},
	{"--version with a value", "{P} --version=1"},
	{"a prefix with a value", "{P} --vers=1 a b"},
	{"--help with a value", "{P} --help=1"},
	{"an option cluster with a bad letter first", "{P} -xh"},
	{"new_root missing", "{P} nx nx/old"},
	{"put_old missing", "mkdir n; mount -t tmpfs n n; {P} n n/old"},
	{"new_root is a file", "touch f; mkdir n; mount -t tmpfs n n; {P} f n"},
	{"put_old is a file", "mkdir n; mount -t tmpfs n n; touch n/f; {P} n n/f"},
	{"new_root no mount point", "mkdir -p n/old; {P} n n/old"},
	{"new_root on the root's mount", "{P} \"$R\" \"$R\""},
	{"new_root is /", "{P} / /tmp"},
	{"put_old on the root's mount", "mkdir n; mount -t tmpfs n n; {P} n /tmp"},
	{"put_old not under new_root", "mkdir n o; mount -t tmpfs n n; {P} n o"},
	{"new_root shared, put_old a directory", "mkdir n; mount -t tmpfs n n; mount --make-shared n; mkdir n/old; {P} n n/old"},
	{"put_old a shared mount", "mkdir n; mount -t tmpfs n n; mkdir n/old; mount -t tmpfs o n/old; mount --make-shared n/old; {P} n n/old"},
	{"new_root's parent shared", "mount --make-shared \"$T\"; mkdir n; mount -t tmpfs n n; mount --make-private n; mkdir n/old; {P} n n/old"},
	{"in a chroot", "makeroot c; mkdir c/n; mount -t tmpfs n c/n; mkdir c/n/old; chroot c {PC} n n/old"},
	{"as nobody", "mkdir n; mount -t tmpfs n n; mkdir n/old; setpriv --reuid=65534 --regid=65534 --clear-groups {P} n n/old"},
	{"success", "mkdir n; mount -t tmpfs n n; mkdir n/old n/etc; {P} n n/old"},
	{"success, relative", "mkdir n; mount -t tmpfs n n; mkdir n/old; cd n; {P} . old"},
	{"success, put_old is new_root", "mkdir n; mount -t tmpfs n n; mkdir n/etc; cd n; {P} . ."},
	{"success, new_root bound onto itself", "mkdir -p n/old; mount --bind n n; {P} n n/old"},
}

func TestDifferentialAgainstUtilLinux(t *testing.T) {
	nstest.RequireRoot(t)
	if _, err := exec.LookPath("pivot_root"); err != nil {
		t.Skip("util-linux pivot_root is not installed")
	}
	bin := nstooltest.BinaryForNobody(t) // "as nobody" runs it too
	peers := regexp.MustCompile(`(shared|master|propagate_from):[0-9]+`)
	for _, c := range differential {
		t.Run(c.name, func(t *testing.T) {
			run := func(p, pc string) (string, string) {
				script := strings.NewReplacer("{P}", p, "{PC}", pc).Replace(c.script)
				// The outputs are opened first: a pivot moves $OUT under put_old.
				full := prelude + "exec 4>\"$OUT\"/stdout 5>\"$OUT\"/stderr 6>\"$OUT\"/rc\n" + script + " >&4 2>&5; echo \"rc=$?\" >&6" + after
				out, tmp, onRoot := t.TempDir(), t.TempDir(), t.TempDir()
				cmd := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c", full)
				cmd.Env = append(os.Environ(), "T="+tmp, "R="+onRoot, "OUT="+out, "BIN="+bin)
				state, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%s: %v\n%s", script, err, state)
				}
				dirs := strings.NewReplacer(tmp, "$T", onRoot, "$R", bin, "$BIN")
				read := func(name string) string { b, _ := os.ReadFile(out + "/" + name); return dirs.Replace(string(b)) }
				errText := strings.ReplaceAll(read("stderr"), "nstool pivot_root", "pivot_root")
				return read("stdout") + errText + read("rc"), peers.ReplaceAllString(dirs.Replace(string(state)), "$1:N")
			}
			wantOut, wantState := run("pivot_root", "pivot_root")
			gotOut, gotState := run(`"$BIN" pivot_root`, "/nstool pivot_root")
			if gotOut != wantOut {
				t.Errorf("%s:\nutil-linux:\n%s\nnstool:\n%s", c.script, wantOut, gotOut)
			}
			if gotState != wantState {
				t.Errorf("%s: the namespace differs afterwards:\nutil-linux:\n%s\nnstool:\n%s", c.script, wantState, gotState)
			}
			if testing.Verbose() {
				t.Logf("%s: %s", c.script, strings.ReplaceAll(strings.TrimSpace(gotOut), "\n", " | "))
			}
		})
	}
}

// Help and version texts are nstool's own; which option wins, the exit code
// and where the text goes are util-linux's.
func TestHelpAndVersionAsUtilLinux(t *testing.T) {
	if _, err := exec.LookPath("pivot_root"); err != nil {
		t.Skip("util-linux pivot_root is not installed")
	}
	bin := nstooltest.Binary(t)
	for _, c := range []struct{ args, want string }{
		{"-h", "help"}, {"--help", "help"}, {"--he", "help"}, {"a -h", "help"}, {"-h -x", "help"}, {"-hV", "help"},
		{"--help --x", "help"}, {"-V", "version"}, {"--v", "version"}, {"--vers a b", "version"}, {"-Vh", "version"},
		{"a b -V", "version"}, {"-x -h", "error"}, {"--x --help", "error"},
	} {
		kind := func(name string, args ...string) string {
			stdout, stderr, code := nstooltest.Run(t, exec.Command(name, args...))
			switch {
			case code == 1 && stdout == "" && strings.Contains(stderr, "Try '"):
				return "error"
			case code != 0 || stderr != "":
				return fmt.Sprintf("exit %d, stderr %q", code, stderr)
			case strings.HasPrefix(stdout, "pivot_root from "):
				return "version"
			case strings.Contains(stdout, "pivot_root [options]"):
				return "help"
			}
			return "stdout " + stdout
		}
		words := strings.Fields(c.args)
		if got := kind("pivot_root", words...); got != c.want {
			t.Fatalf("util-linux pivot_root %s: %s, want %s (the table is wrong)", c.args, got, c.want)
		}
		if got := kind(bin, append([]string{"pivot_root"}, words...)...); got != c.want {
			t.Errorf("nstool pivot_root %s: %s, want %s", c.args, got, c.want)
		}
	}
}
