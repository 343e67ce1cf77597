package unshare

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
	"github.com/nstool/nstool/nsutil/mountopt"
	"github.com/nstool/nstool/nsutil/spawn"
)

// parse runs the command line through cobra and Config, without running.
var parse = nstooltest.Parser(newCmd, (*Options).Config)

func TestOptions(t *testing.T) {
	t.Setenv("SHELL", "/bin/bash")
	for _, c := range []struct {
		args  []string
		check func(c *spawn.UnshareConfig) bool
	}{
		{[]string{"-m", "ls", "-la"}, func(c *spawn.UnshareConfig) bool {
			return c.Flags == unix.CLONE_NEWNS && strings.Join(c.Argv, " ") == "ls -la" && c.Propagation == mountopt.PropagationPrivate
		}},
		{[]string{"-mfp"}, func(c *spawn.UnshareConfig) bool {
			return c.Flags == unix.CLONE_NEWNS|unix.CLONE_NEWPID && c.Fork && c.Name == "/bin/bash" && c.Argv[0] == "-bash" && c.NoPathSearch
		}},
		{[]string{"--mount=/run/m", "-u", "true"}, func(c *spawn.UnshareConfig) bool {
			return c.Persist[unix.CLONE_NEWNS] == "/run/m" && len(c.Persist) == 1 && c.Flags == unix.CLONE_NEWNS|unix.CLONE_NEWUTS
		}},
		{[]string{"-r", "true"}, func(c *spawn.UnshareConfig) bool {
			return c.Flags == unix.CLONE_NEWUSER && c.MapUser == 0 && c.MapGroup == 0 && !c.InProcess()
		}},
		{[]string{"-c", "true"}, func(c *spawn.UnshareConfig) bool {
			return c.MapUser == os.Geteuid() && c.MapGroup == os.Getegid()
		}},
		{[]string{"--map-user=0", "true"}, func(c *spawn.UnshareConfig) bool { return c.MapUser == 0 && c.MapGroup == -1 }},
		{[]string{"--map-users=100000,0,65536", "-r", "true"}, func(c *spawn.UnshareConfig) bool {
			return c.Flags == unix.CLONE_NEWUSER && *c.UserRange == spawn.IDRange{Outer: 100000, Inner: 0, Count: 65536} &&
				c.GroupRange == nil && c.MapUser == 0 && c.MapGroup == 0 && !c.InProcess()
		}},
		{[]string{"--map-groups", "1,2,3", "--map-groups=4,5,6", "true"}, func(c *spawn.UnshareConfig) bool {
			return c.Flags == unix.CLONE_NEWUSER && *c.GroupRange == spawn.IDRange{Outer: 4, Inner: 5, Count: 6} && c.UserRange == nil
		}},
		{[]string{"--mount-proc", "true"}, func(c *spawn.UnshareConfig) bool {
			return c.Flags == unix.CLONE_NEWNS && c.MountProc != nil && *c.MountProc == "/proc" && c.InProcess()
		}},
		{[]string{"--kill-child", "true"}, func(c *spawn.UnshareConfig) bool { return c.Fork && c.KillChild == unix.SIGKILL }},
		{[]string{"--kill-child=term", "true"}, func(c *spawn.UnshareConfig) bool { return c.KillChild == unix.SIGTERM }},
		{[]string{"--propagation", "unchanged", "-m", "true"}, func(c *spawn.UnshareConfig) bool { return c.Propagation == 0 }},
		{[]string{"-T", "--monotonic", "-5", "true"}, func(c *spawn.UnshareConfig) bool {
			return c.Monotonic != nil && *c.Monotonic == -5 && !c.InProcess()
		}},
		{[]string{"-S", "1", "-G", "2", "-R", "/srv", "-w", "/x", "true"}, func(c *spawn.UnshareConfig) bool {
			return c.SetUID == 1 && c.SetGID == 2 && c.Root != nil && *c.Root == "/srv" && c.Wd != nil && *c.Wd == "/x"
		}},
	} {
		cfg, err := parse(t, c.args...)
		if err != nil || cfg == nil || !c.check(cfg) {
			t.Errorf("%v: %+v, %v", c.args, cfg, err)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	for args, want := range map[string]string{
		"--propagation=sideways true":          "unsupported propagation mode: sideways",
		"--setgroups=maybe true":               "unsupported --setgroups argument 'maybe'",
		"-S abc true":                          "failed to parse uid: 'abc'",
		"--kill-child=NOPE true":               "unknown signal: NOPE",
		"--boottime 5 true":                    "options --monotonic and --boottime require unsharing of a time namespace (-t)",
		"--map-group=0 --setgroups=allow true": "options --setgroups=allow and --map-group are mutually exclusive",
		"--map-users=1,2 true":                 "mapping '1,2' contains only 2 elements",
		"--map-groups=1,2,3,4 true":            "too many elements for mapping '1,2,3,4'",
		"--map-users=1,x,3 true":               "could not parse ID: 'x'",
	} {
		_, err := parse(t, strings.Fields(args)...)
		if err == nil || err.Error() != want || cli.ExitCode(err) != 1 {
			t.Errorf("%s: %v (exit %d), want %q (exit 1)", args, err, cli.ExitCode(err), want)
		}
	}
}

// With ranges the child pauses right after unshare(2), before the time
// offsets, for newuidmap and newgidmap (named in --explain's text), and
// writes no uid_map, setgroups or gid_map of its own; with a range of uids
// only, -r's gid is still written, after setgroups=deny.
func TestMapRangesPlan(t *testing.T) {
	uid, gid := os.Geteuid(), os.Getegid() // mapped to 0 by -r, beside the ranges (none holds them)
	for _, c := range []struct {
		args   []string
		writes string // the files the child writes itself
		helper string // the commands the pause names
	}{
		{[]string{"--map-users=100000,0,65536", "--map-groups=200000,0,65536", "-r", "-T", "--monotonic=1", "true"},
			"/proc/self/timens_offsets", fmt.Sprintf("newuidmap PID 0 %d 1 1 100000 65535, then newgidmap PID 0 %d 1 1 200000 65535", uid, gid)},
		{[]string{"--map-users=100000,0,65536", "-r", "true"},
			"/proc/self/setgroups /proc/self/gid_map", fmt.Sprintf("newuidmap PID 0 %d 1 1 100000 65535", uid)},
		{[]string{"--map-groups=200000,0,10", "true"}, "", "newgidmap PID 0 200000 10"},
	} {
		cfg, err := parse(t, c.args...)
		if err != nil {
			t.Fatalf("%q: %v", c.args, err)
		}
		steps := cfg.Spawn().Steps
		if len(steps) < 2 || steps[0].Trap != unix.SYS_UNSHARE || steps[1].Kind != spawn.StepPause || steps[1].Args[1] != spawn.MapIDs {
			t.Errorf("%q: no MapIDs pause right after unshare: %+v", c.args, steps)
			continue
		}
		if want := "pause: nstool runs " + c.helper; steps[1].Text != want {
			t.Errorf("%q: pause %q, want %q", c.args, steps[1].Text, want)
		}
		var writes []string
		for _, s := range steps {
			if s.Data != "" {
				writes = append(writes, s.Path)
			}
		}
		if got := strings.Join(writes, " "); got != c.writes {
			t.Errorf("%q: writes %q, want %q", c.args, got, c.writes)
		}
	}
}
