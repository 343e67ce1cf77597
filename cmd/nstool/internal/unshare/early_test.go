package unshare

import (
	"os"
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/early"
	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/spawn"
)

func hasForkWait(sp *spawn.Spawn) bool {
	for _, s := range sp.Steps {
		if s.Kind == spawn.StepForkWait {
			return true
		}
	}
	return false
}

// earlyArgv are command lines made of the options the early start takes,
// and a few it must leave to cobra.
func earlyArgv() [][]string {
	options := []string{"-m", "--mount", "-u", "--uts", "-i", "--ipc", "-n", "--net", "-p", "--pid",
		"-U", "--user", "-C", "--cgroup", "-T", "--time", "-f", "--fork", "-r", "--map-root-user",
		"-c", "--map-current-user", "--mount-proc", "--propagation=shared", "--propagation=slave",
		"--propagation=unchanged", "--propagation=private", "--propagation shared", "--propagation unchanged",
		"-mpf", "-Ur", "-rm", "-fpm", "-mc", "-cr", "--map-user=0", "--map-user 1000", "--map-user=root",
		"--map-group=0", "--map-group=daemon", "--map-group 4294967295", "--setgroups=deny", "--setgroups allow",
		"--keep-caps", "-T --monotonic=5", "-T --boottime -3", "--monotonic=+7", "-R /", "-R/", "--root=/",
		"--wd=/tmp", "-w /", "-S0", "-S 1", "--setuid=0", "-G0", "--setgid 2", "-Tf --monotonic 1",
		// getopt's forms: unique prefixes, ambiguous ones, values starting with '-'
		"--mou", "--propa=shared", "--propa slave", "--map-r", "--map-u=0", "--setu 0", "--w=/tmp", "--ro=/",
		"--mount-p", "--f", "--se=0", "--ma", "-w -m", "-S=0", "--u", "--=x",
		// not early: values, other options, odd words
		"--propagation=bogus", "--propagation", "-m=/tmp/x", "--mount=/tmp/x", "--mount-proc=",
		"-x", "-mx", "--explain", "--help", "-h", "--kill-child", "-R", "-S", "--map-user=nosuchuser",
		"--map-user=-1", "--setgroups=maybe", "--monotonic=x", "--monotonic=5", "--root=", "-S-1", "-S=0",
		"--fork=true", "--propagation=", "--mo", "--color=never",
		// newuidmap must run while the program waits: the ordinary start's
		"--map-auto", "--map-users=0,0,1", "--map-groups 0,0,1", "--map-users=auto", "--map-a", "--map-users=1,2"}
	programs := [][]string{nil, {"true"}, {"ls", "-la"}, {"--", "-x"}, {"--"}, {"-"}, {"/bin/echo", "-m"}, {""}}
	var out [][]string
	for _, a := range options {
		for _, p := range programs {
			out = append(out, append(strings.Fields(a), p...))
		}
		for _, b := range options {
			out = append(out, append(strings.Fields(a), append(strings.Fields(b), "true")...))
			for _, c := range []string{"-m", "--fork", "-r", "--mount-proc", "--propagation=slave"} {
				out = append(out, append(strings.Fields(a), append(strings.Fields(b), c, "id")...))
			}
		}
	}
	return out
}

// The early start (cmd/nstool/internal/early) carries out some command
// lines before the Go runtime starts, with this command's planner
// (unsharePlan.plan) but its own reading of the command line. For each it
// takes it must come to the very steps, program and arguments this command
// plans, and it must take what util-linux does without a fork.
func TestEarlyStartPlansAsTheCommand(t *testing.T) {
	t.Setenv("SHELL", "/bin/bash")
	t.Setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
	mustTake := map[string]bool{"--mount true": true, "--fork --pid --mount-proc true": true,
		"--user --map-root-user --mount true": true, "--propagation=shared bash": true, "-m": true,
		"-Ur": true, "-mpf --mount-proc": true, "--mount --propagation=shared bash": true,
		// what util-linux does without a fork, so does the early start
		"-m --map-user=0 sleep 1": true, "--map-group=0 -U true": true, "--map-user=root --map-group=root true": true,
		"-U --setgroups=deny true": true, "-Ur --keep-caps true": true, "-T --monotonic=5 true": true,
		"-T --boottime=-3 true": true, "-R / -w /tmp true": true, "-S 0 -G 0 true": true,
		"--mount-proc=/mnt -p -f true": true, "--mount-proc=/mnt --propagation=shared true": true}
	env := spawn.CStrings([]string{"SHELL=/bin/bash", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"})
	taken := 0
	cases := earlyArgv()
	for k := range mustTake {
		cases = append(cases, strings.Fields(k))
	}
	for _, argv := range cases {
		line := strings.Join(argv, " ")
		var u spawn.EarlyUnshare
		if !early.Parse(&u, spawn.CStrings(argv)[:len(argv)], &env[0]) {
			if mustTake[line] {
				t.Errorf("unshare %s: the early start does not take it", line)
			}
			continue
		}
		taken++
		cfg, err := parse(t, argv...)
		if err != nil {
			t.Errorf("unshare %s: the early start takes it, the command refuses it: %v", line, err)
			continue
		}
		want := cfg.Spawn()
		got := u.Plan()
		// The fork is compared apart: the two starts split the work
		// between processes differently.
		if g, w := nsexectest.DescribeSteps(got.Steps, false), nsexectest.DescribeSteps(want.Steps, false); g != w {
			t.Errorf("unshare %s: early steps\n%s\nthe command's\n%s", line, g, w)
		}
		if hasForkWait(got) != cfg.Fork {
			t.Errorf("unshare %s: early fork %v, the command's %v", line, hasForkWait(got), cfg.Fork)
		}
		gotArgv := u.Args()
		if u.Name != cfg.Name || u.NoPathSearch != cfg.NoPathSearch || strings.Join(gotArgv, "\x00") != strings.Join(cfg.Argv, "\x00") {
			t.Errorf("unshare %s: early program %q %q (by path %v), the command's %q %q (%v)",
				line, u.Name, gotArgv, u.NoPathSearch, cfg.Name, cfg.Argv, cfg.NoPathSearch)
		}
	}
	t.Logf("%d command lines, %d taken by the early start", len(cases), taken)
	if taken < len(cases)/4 {
		t.Errorf("the early start takes only %d of %d command lines", taken, len(cases))
	}
}

// Without a program: $SHELL, else /bin/sh, with argv[0] "-NAME" (one
// choice, nsopt.Shell, for both starts); an empty $SHELL is left to the
// ordinary start (util-linux executes "" and fails).
func TestEarlyStartShell(t *testing.T) {
	for _, shell := range []string{"/bin/bash", "bash", "/usr/bin/zsh", "", "/", "/bin/sh/", "unset"} {
		envList := []string{"PATH=/bin"}
		if shell == "unset" {
			t.Setenv("SHELL", "") // restored at the end
			os.Unsetenv("SHELL")
		} else {
			t.Setenv("SHELL", shell)
			envList = append(envList, "SHELL="+shell)
		}
		env := spawn.CStrings(envList)
		var u spawn.EarlyUnshare
		took := early.Parse(&u, spawn.CStrings([]string{"-m"})[:1], &env[0])
		if wantTake := shell != ""; took != wantTake {
			t.Errorf("SHELL=%q: early start takes it: %v", shell, took)
		}
		if !took {
			continue
		}
		cfg, err := parse(t, "-m")
		if err != nil {
			t.Fatal(err)
		}
		if arg0 := spawn.CString(*u.Argv); u.Name != cfg.Name || arg0 != cfg.Argv[0] || !u.NoPathSearch || !cfg.NoPathSearch {
			t.Errorf("SHELL=%q: early %q %q, the command's %q %q", shell, u.Name, arg0, cfg.Name, cfg.Argv)
		}
	}
}
