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
)

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
	Actor:     func(name, propagation string) []string { return labArgv(verbActor, name, propagation) },
	Probe: func(kind string, pid int, path string) []string {
		return labArgv(verbProbe, kind, strconv.Itoa(pid), path)
	},
	Shell: func(actor string, argv []string) []string {
		if len(argv) == 0 {
			return labArgv(verbShell, actor)
		}
		return append(labArgv(verbShell, actor, "--"), argv...)
	},
	Nsenter: func(pid int, preserve bool, argv []string) []string {
		args := []string{"nstool", "nsenter", "-t", strconv.Itoa(pid), "-U", "-m", "-p"}
		if preserve {
			args = append(args, "--preserve-credentials")
		}
		return append(args, argv...)
	},
	Prompt:     labArgv(verbPrompt),
	StepNote:   labArgv(verbPrompt, "--after"),
	Enter:      labArgv(verbEnter),
	Completion: []string{"nstool", "completion", "bash"},
}
