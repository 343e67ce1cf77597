package labs

import (
	"os"
	"strings"
)

// Stages tell the engine how to start each of its stages. A stage is the
// nstool binary run again with a command line that makes it call back into
// the engine (Init, Supervise, ActorMain, ProbeMain, RunForParent): the
// engine chooses which binary (this one, its copy in the sandbox, a memfd)
// and with what namespaces, files and credentials; the command chooses the
// words, so that only the command knows its verbs. Each func returns the
// whole argv, argv[0] included.
type Stages struct {
	// Init is the sandbox's PID 1 (Init).
	Init func(mode Mode, noPause bool) []string
	// IsInit tells whether a command line (/proc/PID/cmdline, split at its
	// NULs) is a sandbox's init: how `lab reset` finds sandboxes and how
	// `lab check` knows that its /proc is the sandbox's.
	IsInit func(argv []string) bool
	// AsNobody is the unprivileged side of a rootless lab run by root
	// (RunForParent).
	AsNobody func(mode Mode, noPause bool) []string
	// Supervise runs the setup and the session (Supervise).
	Supervise func(mode Mode, noPause bool) []string
	// Actor is a named actor's process (ActorMain).
	Actor func(a ActorStage) []string
	// Probe asks the kernel about a mount in pid's namespace (ProbeMain).
	Probe func(kind string, pid int, path string) []string
	// Shell opens a shell, or runs argv, in an actor of the sandbox this
	// process is in (what EnterSandbox runs there).
	Shell func(actor string, argv []string) []string
	// EnterActor runs argv in pid's namespaces named in ns (user, mnt, uts,
	// pid, as /proc/PID/ns names them) and in its root and working
	// directory, keeping the caller's credentials in a user namespace (how
	// EnterActor enters an actor with more than a mount namespace).
	EnterActor func(pid int, ns []string, argv []string) []string
	// Nsenter runs argv in the user, mount and PID namespaces of pid, keeping
	// the caller's credentials if preserve (how EnterSandbox joins a
	// rootless sandbox, which a multithreaded process cannot).
	Nsenter func(pid int, preserve bool, argv []string) []string
	// NsenterFiles runs argv in the user and mount namespaces that the
	// descriptors userFD and mntFD (inherited) name, in directory dir
	// there, keeping the caller's credentials (how a lab that goes on
	// enters a user namespace the earlier steps made).
	NsenterFiles func(userFD, mntFD int, dir string, argv []string) []string
	// Prompt prints the learner's prompt; Completion prints bash's
	// completion script; StepNote, given the step a second terminal last
	// showed, prints the step now and says on stderr if the lab moved on
	// (StepNote). The sandbox's bashrc runs them.
	Prompt, Completion, StepNote []string
	// Enter, followed by a PID, is the learner's nested shell in that
	// process's mount namespace when a lab goes on (EnterNamespaceOf).
	Enter []string
}

// isInitPID tells whether pid is a sandbox's init, by its command line.
func (s Stages) isInitPID(pid string) bool {
	cmdline, err := os.ReadFile("/proc/" + pid + "/cmdline")
	if err != nil {
		return false
	}
	return s.IsInit(strings.Split(strings.TrimSuffix(string(cmdline), "\x00"), "\x00"))
}

// world is the kernel state a check reads, with this process's probes.
func (s Stages) world(st *State) *World {
	p := prober{s}
	return &World{Actors: st.Actors, Answer: st.Answer, Locked: p.locked, Unbindable: p.unbindable}
}

// shellLine joins argv into a line of shell, for the sandbox's bashrc: the
// command's words are plain (no quoting needed).
func shellLine(argv []string) string { return strings.Join(argv, " ") }
