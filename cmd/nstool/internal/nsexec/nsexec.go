// Package nsexec is what `nstool unshare` and `nstool nsenter` share: running
// an spawn.Spawn in place or as a waited-for child, relaying its exit
// status and signals as util-linux does, --explain, and the [=FILE] flags.
package nsexec

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/nsopt"
	"github.com/nstool/nstool/nsutil/spawn"
	"github.com/nstool/nstool/nsutil/sysfmt"
)

// Program returns what to execute: args as given, or the shell
// (nsopt.Shell: the early start chooses it the same way).
func Program(args []string) (name string, argv []string, noPathSearch bool) {
	if len(args) > 0 {
		return args[0], args, false
	}
	shell, base := nsopt.Shell(os.LookupEnv("SHELL")) // set but empty: util-linux executes "" (and fails)
	return shell, []string{"-" + base}, true
}

// Explain writes the steps on w, one per line, naming which process makes
// each: "nstool" itself (in place), its "child", and after a fork the
// "grandchild". Lines are laid out for a terminal width columns wide
// (cli.Wrap; 0: as they are).
func Explain(w io.Writer, width int, sp *spawn.Spawn, inProcess bool, why string) {
	say := func(format string, args ...any) { fmt.Fprint(w, cli.Wrap(fmt.Sprintf(format, args...), width)+"\n") }
	who := "nstool"
	if why != "" {
		say("%-10s # %s", who, why)
	}
	for i, s := range sp.Steps {
		if i == sp.Here && !inProcess {
			say("%-10s fork()", who)
			who = "child"
		}
		actor := who
		if s.Kind == spawn.StepPause && i > 0 && sp.Steps[i-1].Kind == spawn.StepForkWait {
			actor = "child" // the waiting parent pauses, not the new child
		}
		say("%-10s %s", actor, s.Text)
		if s.Kind == spawn.StepForkWait {
			who = "grandchild"
		}
	}
	if !inProcess && sp.Here == len(sp.Steps) {
		say("%-10s fork()", who)
		who = "child"
	}
	if sp.ParentDeathSignal != 0 {
		say("%-10s prctl(PR_SET_PDEATHSIG, %s)  # the program dies with nstool", who, sysfmt.SignalName(sp.ParentDeathSignal))
	}
	argv := make([]string, len(sp.Argv))
	for i, a := range sp.Argv {
		argv[i] = strconv.Quote(a)
	}
	call := "execvp"
	if sp.NoPathSearch || strings.Contains(sp.Name, "/") {
		call = "execve"
	}
	say("%-10s %s(%s, [%s])", who, call, strconv.Quote(sp.Name), strings.Join(argv, ", "))
	if !inProcess {
		say("%-10s wait4(child) and exit with its status (or die of its signal)", "nstool")
	}
}

// ExplainEarly notes, after Explain, that without --explain the same
// command line runs before Go's runtime starts (cmd/nstool/internal/early),
// in words for a student: the same steps at once, as one process.
func ExplainEarly(w io.Writer, width int) {
	// One paragraph, in two lines of the report's first column.
	fmt.Fprint(w, cli.Wrap(fmt.Sprintf("%-10s # without --explain, nstool makes these same steps at once, as one process", "nstool"), width)+"\n")
	fmt.Fprint(w, cli.Wrap(fmt.Sprintf("%-10s # like util-linux's (the early start; the child of a fork aside): docs/unshare.md#speed", "nstool"), width)+"\n")
}

// Failure turns a step error into util-linux's message and exit code.
func Failure(err error) error {
	var se *spawn.SpawnError
	if errors.As(err, &se) {
		return &cli.ExitError{Code: se.ExitCode(), Err: se}
	}
	return &cli.ExitError{Code: 1, Err: err}
}

// Paused is called when the child (or nstool itself) stops at a StepPause:
// procDir is /proc/PID (or /proc/PID/task/TID) of the process that made the
// namespaces. It answers whether to make the mount namespace again, on
// which CPU.
type Paused func(procDir string, phase int) (again bool, cpu int, err error)

// RunInPlace makes the steps on this thread and executes the program in
// place of nstool. It returns only on failure.
func RunInPlace(sp *spawn.Spawn, pause Paused) error {
	return Failure(sp.RunHere(pauseHere(pause)))
}

// EnterInPlace is RunInPlace for nsenter: the locked thread first takes
// an fs_struct of its own (spawn.UnshareFS), which setns(2) into a mount
// namespace requires of a caller whose fs_struct Go's other threads share,
// and which keeps the chroot and chdir steps to this thread.
func EnterInPlace(sp *spawn.Spawn) error {
	runtime.LockOSThread() // for good: RunHere execs from this thread or fails
	if err := spawn.UnshareFS(); err != nil {
		return cli.Exitf(1, "unshare(CLONE_FS) failed: %v", err)
	}
	return RunInPlace(sp, nil)
}

// pauseHere adapts pause to a StepPause that nstool makes itself, on its
// locked thread (which may be in the new mount namespace by then).
func pauseHere(pause Paused) spawn.Paused {
	return func(phase int) (bool, int, error) {
		return pauseElsewhere(pause, fmt.Sprintf("/proc/%d/task/%d", os.Getpid(), syscall.Gettid()), phase)
	}
}

// pauseElsewhere calls pause on another thread than this locked one: the
// bind mounts of the namespace files must be made from the original mount
// namespace, and this thread may have left it.
func pauseElsewhere(pause Paused, procDir string, phase int) (again bool, cpu int, err error) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread() // a thread of its own, which then exits
		again, cpu, err = pause(procDir, phase)
		close(done)
	}()
	<-done
	return again, cpu, err
}

// forwarded are the signals a waiting nstool passes on to its child: a
// terminal's SIGINT and SIGQUIT reach the child's process group by
// themselves, the rest would otherwise end nstool and orphan the program.
var forwarded = []os.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM}

// RunChild makes the first sp.Here steps itself, starts the rest as a
// child, waits for it and ends as it did: its exit status, or death by the
// signal that killed it. forward passes SIGTERM and friends on to the child
// (it stands for nstool itself, so SIGINT and SIGQUIT from the terminal are
// left to reach it directly) and stops nstool when the child stops;
// otherwise SIGINT and SIGTERM are ignored while waiting, as util-linux
// unshare --fork blocks them.
func RunChild(sp *spawn.Spawn, pause Paused, forward bool) error {
	// The parent-death signal follows the thread that forked: keep it.
	runtime.LockOSThread()
	if sp.Here > 0 {
		if err := sp.RunStepsHere(sp.Here, pauseHere(pause)); err != nil {
			return Failure(err)
		}
	}
	sigs := make(chan os.Signal, 8)
	caught := []os.Signal{syscall.SIGINT, syscall.SIGTERM}
	if forward {
		caught = append([]os.Signal{syscall.SIGINT, syscall.SIGQUIT}, forwarded...)
	}
	for _, s := range caught {
		if !signal.Ignored(s) { // keep an inherited SIG_IGN for the child (nohup)
			signal.Notify(sigs, s)
		}
	}
	p, err := sp.Start()
	if err != nil {
		return cli.Exitf(1, "%v", err)
	}
	go func() {
		for s := range sigs {
			if !forward || s == syscall.SIGINT || s == syscall.SIGQUIT {
				continue
			}
			_ = syscall.Kill(p.Pid, s.(syscall.Signal))
		}
	}()
	for pause != nil {
		phase, ok := p.Ready()
		if !ok {
			break
		}
		again, cpu, err := pauseElsewhere(pause, fmt.Sprintf("/proc/%d", p.Pid), phase)
		if err != nil {
			_ = syscall.Kill(p.Pid, syscall.SIGKILL)
			_, _ = p.Wait()
			if errors.As(err, new(*cli.ExitError)) {
				return err // its own code (newuidmap's status), its own message or none
			}
			return cli.Exitf(1, "%v", err)
		}
		if err := p.Resume(again, cpu); err != nil {
			break
		}
	}
	return endAsChild(p, forward, func() { signal.Stop(sigs) })
}

// endAsChild waits until the started child has executed the program, then
// until it ends, and ends as it did: its exit status, or death by the
// signal that killed it (stopSignals first undoes any signal.Notify). With
// follow nstool stops when the child stops and continues it when continued.
func endAsChild(p *spawn.Process, follow bool, stopSignals func()) error {
	if err := p.Started(); err != nil {
		_, _ = p.Wait()
		return Failure(err)
	}
	wait := p.Wait
	if follow { // nstool stands for the program: stopped when it is
		wait = p.WaitFollowingStops
	}
	ws, err := wait()
	if err != nil {
		return cli.Exitf(1, "waitpid failed: %v", err)
	}
	if ws.Signaled() {
		stopSignals()
		spawn.DieOfSignal(ws.Signal())
		return cli.Exitf(1, "child exit failed")
	}
	return cli.Exit(ws.ExitStatus())
}

// EnterAndFork is util-linux nsenter's shape for a pid namespace: nstool
// makes the first sp.Here steps itself on its locked thread (after
// spawn.UnshareFS, as EnterInPlace), forks the program from that thread,
// which puts it in the target's pid namespace (setns(2) with CLONE_NEWPID
// moves only the children of the thread that made it), and waits,
// stopping when it stops. Like util-linux it passes no signal on: SIGTERM
// ends nstool (exit 143) and the program goes on.
func EnterAndFork(sp *spawn.Spawn) error {
	runtime.LockOSThread()
	if err := spawn.UnshareFS(); err != nil {
		return cli.Exitf(1, "unshare(CLONE_FS) failed: %v", err)
	}
	if err := sp.RunStepsHere(sp.Here, nil); err != nil {
		return Failure(err)
	}
	p, err := sp.Start()
	if err != nil {
		return cli.Exitf(1, "%v", err)
	}
	return endAsChild(p, true, func() {})
}
