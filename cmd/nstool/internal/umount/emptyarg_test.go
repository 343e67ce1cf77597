package umount_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// An empty argument is an argument, never an absent one: for each command
// line with one, util-linux and nstool run on the same state, in a throwaway
// mount namespace whose working directory is a mount point (/proc: an empty
// path once meant "here" to filepath.Abs, and `umount -l ”` detached it).
// Same stdout, same exit code, same stderr but for the program's name and
// PIDs, and the same mount table afterwards.
func TestEmptyArgumentsAsUtilLinux(t *testing.T) {
	bin := nstooltest.RootBinary(t)
	cases := []string{
		"umount ''", "umount -l ''", "umount -R ''", "umount -lR ''", "umount -q ''", "umount -c ''", "umount '' /no-such",
		"mount --make-shared ''", "mount --make-rprivate ''", "mount -t tmpfs x ''", "mount --bind '' /mnt", "mount --move '' /mnt",
		"findmnt ''", "findmnt -T ''", "findmnt --target=", "findmnt -M ''", "findmnt -S ''", "findmnt -N ''",
		"findmnt -S '' -T /", "findmnt '' /", "findmnt -n -o TARGET ''", "findmnt -J ''", "findmnt -o ''",
		"unshare -w '' true", "unshare -R '' true", "unshare --mount= true", "unshare --uts= true",
		"nsenter --mount= true", "nsenter -t $$ --mount= true", "nsenter -t $$ -m --root= true", "nsenter -t $$ -m --wd= true",
		"ls -p ''", "ls --task ''", "ls --namespace ''", "ls ''", "ls -t ''",
	}
	utilName := map[string]string{"ls": "lsns"}
	pids := regexp.MustCompile(`/proc/[0-9]+(/task/[0-9]+)?/`)
	for _, c := range cases {
		verb, rest, _ := strings.Cut(c, " ")
		ul := verb
		if n, ok := utilName[verb]; ok {
			ul = n
		}
		if strings.HasPrefix(c, "ls --namespace") {
			ul = "lsns" // lsns has no --namespace: its positional ID is the same thing
			rest = "''"
		}
		run := func(prog string) (string, string, string) {
			// The state after: the mount table of the namespace, as targets.
			script := "cd /proc; " + prog + " " + rest + " >$OUT/stdout 2>$OUT/stderr; echo $? >$OUT/rc; findmnt -rn -o TARGET,PROPAGATION >$OUT/table 2>&1; true"
			out := t.TempDir()
			cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
			cmd.Env = append(os.Environ(), "OUT="+out)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", c, err, b)
			}
			read := func(name string) string { b, _ := os.ReadFile(out + "/" + name); return string(b) }
			errText := pids.ReplaceAllString(read("stderr"), "/proc/PID/")
			errText = strings.ReplaceAll(errText, "nstool "+verb+": ", ul+": ")
			return read("stdout") + "rc=" + read("rc"), errText, read("table")
		}
		wantOut, wantErr, wantTable := run(ul)
		gotOut, gotErr, gotTable := run(bin + " " + verb)
		if gotOut != wantOut || gotTable != wantTable {
			t.Errorf("%s: util-linux:\n%s\nnstool:\n%s", c, wantOut, gotOut)
			if gotTable != wantTable {
				t.Errorf("%s: the mount table differs afterwards:\nutil-linux:\n%s\nnstool:\n%s", c, wantTable, gotTable)
			}
		}
		// mount(8)'s second line after a failed mount(2) is another issue's
		// (dmesg); compare the first line of stderr.
		first := func(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }
		if first(gotErr) != first(wantErr) {
			t.Errorf("%s: stderr\nutil-linux: %q\nnstool:     %q", c, wantErr, gotErr)
		}
	}
}
