package findmnt_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/root"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/nstest"
)

func TestMain(m *testing.M) { nstest.Main(m) }

// -update rewrites testdata/golden from util-linux findmnt (2.38.1 when
// the golden files were made) for cases util-linux can run, and from
// nstool for nstool's own columns and options. The test then holds nstool
// to util-linux's bytes on machines without util-linux too.
var update = flag.Bool("update", false, "rewrite testdata/golden (from util-linux findmnt where it can)")

type goldenCase struct {
	file   string
	args   string
	locale string
	own    bool // uses nstool-only columns/options: the golden is nstool's
}

// goldenArgs are run on every captured table, in both locales.
var goldenArgs = []string{
	"", "-l", "-r", "-P", "-J", "-J -l", "-n", "-a", "-u", "-v", "--tree -k",
	"-o TARGET,PROPAGATION",
	"-o +PROPAGATION,OPT-FIELDS,ID,PARENT,MAJ:MIN,FSROOT",
	"-o TARGET,SOURCE,FSTYPE,OPTIONS,VFS-OPTIONS,FS-OPTIONS -l",
	"-o ID,PARENT,MAJ:MIN,TARGET -r", "-o MAJ:MIN,TARGET -P", "-o ID,PARENT,TARGET -J",
	"-R /lab", "-R /lab -J", "-t tmpfs", "-t notmpfs,proc -l", "-O ro", "-O +relatime,nosuid -l",
	"--real", "--pseudo -l", "-i --pseudo", "--shadowed",
	"/lab/shared", "src", "0:41 -l", "-S src -f", "-T /lab/shared/inner", "-M /lab",
	"-d backward -l -t tmpfs", "-y -P -o TARGET,USE%,MAJ:MIN -R /lab", // statfs columns only on paths no host has "-y -r", "-n -r",
	"-o FOO,TARGET", "-o TARGET,,SOURCE", "-J -P", "-M /x -T /y", "-N abc", "-s -l",
	"-U", "-U -J", "-U -l",
}

// ownArgs exercise what util-linux 2.38 does not have.
var ownArgs = []string{
	"-o TARGET,PROPAGATION,PEER-GROUP,MASTER,PROPAGATE-FROM",
	"-J -o TARGET,PEER-GROUP,MASTER,PROPAGATE-FROM",
	"-l -Q 'PROPAGATION =~ \"slave\" && TARGET !~ \"inner\"'",
	"-Q 'ID > 40 or ID < 22'",
	"-Q 'PEER-GROUP == 11' -o TARGET,PEER-GROUP",
	"-Q 'FOO == 1'", "-Q 'TARGET =='", "--id 33", "--id 33 -J", "--id 999", "-r -o TARGET,INO.USE%,INO.TOTAL,UNIQ-ID -R /lab",
	"-H",
}

var goldenFiles = []string{"mountinfo-lab", "mountinfo-garbage", "mountinfo-stacked", "fstab-sample", "empty"}

func goldenCases() []goldenCase {
	var cs []goldenCase
	for _, f := range goldenFiles {
		for _, loc := range []string{"C", "C.UTF-8"} {
			for _, a := range goldenArgs {
				cs = append(cs, goldenCase{file: f, args: a, locale: loc})
			}
			if f == "mountinfo-lab" {
				for _, a := range ownArgs {
					cs = append(cs, goldenCase{file: f, args: a, locale: loc, own: true})
				}
			}
		}
	}
	return cs
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.+-]+`)

func (c goldenCase) name() string {
	n := fmt.Sprintf("%s_%s_%s", c.file, c.locale, c.args)
	return strings.Trim(unsafeName.ReplaceAllString(n, "_"), "_")
}

// result is what a run printed.
type result struct {
	stdout, stderr string
	rc             int
}

func (r result) String() string {
	return fmt.Sprintf("%s--- stderr\n%s--- rc=%d\n", r.stdout, r.stderr, r.rc)
}

// runNstool runs `nstool findmnt ARGS` in this process with piped output.
func runNstool(t *testing.T, locale string, args []string) result {
	t.Helper()
	t.Setenv("LC_ALL", locale)
	ios, _, out, errOut := cli.Test()
	rc := root.Run(ios, root.NewCmd(ios), append([]string{"findmnt"}, args...))
	// util-linux names itself "findmnt:"; nstool says "nstool findmnt:"
	stderr := strings.ReplaceAll(errOut.String(), "nstool findmnt:", "findmnt:")
	stderr = strings.ReplaceAll(stderr, "'nstool findmnt --help'", "'findmnt --help'")
	return result{out.String(), stderr, rc}
}

// runUtilLinux runs the installed util-linux findmnt.
func runUtilLinux(t *testing.T, locale string, args []string) result {
	t.Helper()
	cmd := exec.Command("findmnt", args...)
	cmd.Env = append(os.Environ(), "LC_ALL="+locale)
	stdout, stderr, rc := nstooltest.Run(t, cmd)
	return result{stdout, stderr, rc}
}

func TestGolden(t *testing.T) {
	if err := os.Chdir("testdata"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chdir("..") })
	_, ulErr := exec.LookPath("findmnt")
	for _, c := range goldenCases() {
		t.Run(c.name(), func(t *testing.T) {
			args := append(nstooltest.ShellWords(c.args), "-F", c.file)
			path := filepath.Join("golden", c.name())
			got := runNstool(t, c.locale, args)
			if *update {
				want := got
				if !c.own {
					if ulErr != nil {
						t.Fatalf("-update needs util-linux findmnt: %v", ulErr)
					}
					want = runUtilLinux(t, c.locale, args)
				}
				if err := os.MkdirAll("golden", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(want.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run the test with -update)", err)
			}
			if got.String() != string(want) {
				t.Errorf("findmnt %s -F %s (LC_ALL=%s)\n--- got\n%s--- want\n%s", c.args, c.file, c.locale, got, want)
			}
			if strings.Contains(c.args, "-J") && got.rc == 0 && !json.Valid([]byte(got.stdout)) {
				t.Errorf("invalid JSON:\n%s", got.stdout)
			}
		})
	}
}
