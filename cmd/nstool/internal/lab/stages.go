package lab

import (
	"slices"
	"strconv"

	"github.com/nstool/nstool/labs"
)

// The hidden verbs that run the engine's stages (internal.go), by name: the
// engine starts them with the command lines built here, and knows neither
// the verbs nor their flags.
const (
	verbInit      = "__init"
	verbRun       = "__run"
	verbSupervise = "__supervise"
	verbActor     = "__actor"
	verbProbe     = "__probe"
	verbPrompt    = "__prompt"
	verbEnter     = "__enter"
	flagNoPause   = "no-pause"
	// verbShell is not hidden: the engine runs it to enter a sandbox.
	verbShell = "shell"
	// The actor stage's flags.
	flagActorHostname = "hostname"
	flagActorRootfs   = "rootfs"
	flagActorVolume   = "volume"
)

// nsenterFlag is nsenter(1)'s option for each namespace /proc/PID/ns names.
var nsenterFlag = map[string]string{"user": "-U", "mnt": "-m", "uts": "-u", "pid": "-p"}

// actorArgv is the actor stage's command line:
// `__actor NAME ROOT [--hostname] [--rootfs DIR] [--volume SRC:DST:MODE]...`.
func actorArgv(a labs.ActorStage) []string {
	argv := labArgv(verbActor, a.Name, a.Root)
	if a.Hostname {
		argv = append(argv, "--"+flagActorHostname)
	}
	if a.Rootfs != "" {
		argv = append(argv, "--"+flagActorRootfs, a.Rootfs)
	}
	for _, v := range a.Volumes {
		argv = append(argv, "--"+flagActorVolume, v.String())
	}
	return argv
}

// labArgv is the command line of `nstool lab` followed by words.
func labArgv(words ...string) []string { return append([]string{"nstool", "lab"}, words...) }

// session is the command line of a stage that runs a sandbox's session.
func session(verb string) func(labs.Mode, bool) []string {
	return func(mode labs.Mode, noPause bool) []string {
		argv := labArgv(verb, string(mode))
		if noPause {
			argv = append(argv, "--"+flagNoPause)
		}
		return argv
	}
}

// initPrefix is what a sandbox's init's command line starts with.
var initPrefix = labArgv(verbInit)

// stages is how the engine runs each stage of a lab: as this binary, with
// the hidden verbs.
var stages = labs.Stages{
	Init: session(verbInit),
	IsInit: func(argv []string) bool {
		return len(argv) >= len(initPrefix) && slices.Equal(argv[:len(initPrefix)], initPrefix)
	},
	AsNobody:  session(verbRun),
	Supervise: session(verbSupervise),
	Actor:     actorArgv,
	Probe: func(kind string, pid int, path string) []string {
		return labArgv(verbProbe, kind, strconv.Itoa(pid), path)
	},
	Shell: func(actor string, argv []string) []string {
		if len(argv) == 0 {
			return labArgv(verbShell, actor)
		}
		return append(labArgv(verbShell, actor, "--"), argv...)
	},
	EnterActor: func(pid int, ns []string, argv []string) []string {
		args := []string{"nstool", "nsenter", "-t", strconv.Itoa(pid)}
		for _, n := range ns {
			args = append(args, nsenterFlag[n])
			if n == "user" {
				args = append(args, "--preserve-credentials")
			}
		}
		return append(append(args, "-r", "-w"), argv...)
	},
	Nsenter: func(pid int, preserve bool, argv []string) []string {
		args := []string{"nstool", "nsenter", "-t", strconv.Itoa(pid), "-U", "-m", "-p"}
		if preserve {
			args = append(args, "--preserve-credentials")
		}
		return append(args, argv...)
	},
	NsenterFiles: func(userFD, mntFD int, dir string, argv []string) []string {
		return append([]string{"nstool", "nsenter", "--user=/proc/self/fd/" + strconv.Itoa(userFD),
			"--mount=/proc/self/fd/" + strconv.Itoa(mntFD), "--preserve-credentials", "--wdns=" + dir}, argv...)
	},
	Prompt:     labArgv(verbPrompt),
	StepNote:   labArgv(verbPrompt, "--after"),
	Enter:      labArgv(verbEnter),
	Completion: []string{"nstool", "completion", "bash"},
}
