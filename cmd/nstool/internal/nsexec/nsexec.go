// Package nsexec is what `nstool unshare` and `nstool nsenter` share: running
// an nsutil.Spawn in place or as a waited-for child, relaying its exit
// status and signals as util-linux does, --explain, and the [=FILE] flags.
package nsexec

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil"
)

// Program returns what to execute: args as given, or util-linux's
// exec_shell(): $SHELL (else /bin/sh) by path, with argv[0] "-NAME" (a login
// shell).
func Program(args []string) (name string, argv []string, noPathSearch bool) {
	if len(args) > 0 {
		return args[0], args, false
	}
	shell := os.Getenv("SHELL")
	if shell == "" {
		shell = "/bin/sh"
	}
	return shell, []string{"-" + filepath.Base(shell)}, true
}

// Explain writes the steps on w, one per line, naming which process makes
// each: "nstool" itself (in place), its "child", and after a fork the
// "grandchild".
func Explain(w io.Writer, sp *nsutil.Spawn, inProcess bool, why string) {
	who := "nstool"
	if !inProcess {
		fmt.Fprintf(w, "%-10s fork()  # %s\n", who, why)
		who = "child"
	} else if why != "" {
		fmt.Fprintf(w, "%-10s # %s\n", who, why)
	}
	for _, s := range sp.Steps {
		if s.Kind == nsutil.StepForkWait {
			fmt.Fprintf(w, "%-10s %s\n", who, s.Text)
			who = "grandchild"
			continue
		}
		if s.Kind == nsutil.StepPause {
			fmt.Fprintf(w, "%-10s %s\n", who, s.Text)
			continue
		}
		fmt.Fprintf(w, "%-10s %s\n", who, s.Text)
	}
	if sp.ParentDeathSignal != 0 {
		fmt.Fprintf(w, "%-10s prctl(PR_SET_PDEATHSIG, %s)  # dies with nstool, as if it were nstool\n", who, nsutil.SignalName(sp.ParentDeathSignal))
	}
	argv := make([]string, len(sp.Argv))
	for i, a := range sp.Argv {
		argv[i] = strconv.Quote(a)
	}
	call := "execvp"
	if sp.NoPathSearch || strings.Contains(sp.Name, "/") {
		call = "execve"
	}
	fmt.Fprintf(w, "%-10s %s(%s, [%s])\n", who, call, strconv.Quote(sp.Name), strings.Join(argv, ", "))
	if !inProcess {
		fmt.Fprintf(w, "%-10s wait4(child) and exit with its status (or die of its signal)\n", "nstool")
	}
}

// Failure turns a step error into util-linux's message and exit code.
func Failure(err error) error {
	var se *nsutil.SpawnError
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
func RunInPlace(sp *nsutil.Spawn, pause Paused) error {
	err := sp.RunHere(func(phase int) (bool, int, error) {
		// Bind mounts of the namespace files must be made from the
		// original mount namespace: any thread but this locked one.
		procDir := fmt.Sprintf("/proc/%d/task/%d", os.Getpid(), syscall.Gettid())
		type answer struct {
			again bool
			cpu   int
			err   error
		}
		ch := make(chan answer)
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			again, cpu, err := pause(procDir, phase)
			ch <- answer{again, cpu, err}
		}()
		a := <-ch
		return a.again, a.cpu, a.err
	})
	return Failure(err)
}

// forwarded are the signals a waiting nstool passes on to its child: a
// terminal's SIGINT and SIGQUIT reach the child's process group by
// themselves, the rest would otherwise end nstool and orphan the program.
var forwarded = []os.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM}

// RunChild starts the spawn as a child, waits for it and ends as it did: its
// exit status, or death by the signal that killed it.
func RunChild(sp *nsutil.Spawn, pause Paused) error {
	// The parent-death signal follows the thread that forked: keep it.
	runtime.LockOSThread()
	sigs := make(chan os.Signal, 8)
	for _, s := range append([]os.Signal{syscall.SIGINT, syscall.SIGQUIT}, forwarded...) {
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
			if s == syscall.SIGINT || s == syscall.SIGQUIT {
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
		again, cpu, err := pause(fmt.Sprintf("/proc/%d", p.Pid), phase)
		if err != nil {
			_ = syscall.Kill(p.Pid, syscall.SIGKILL)
			_, _ = p.Wait()
			return cli.Exitf(1, "%v", err)
		}
		if err := p.Resume(again, cpu); err != nil {
			break
		}
	}
	if err := p.Started(); err != nil {
		_, _ = p.Wait()
		return Failure(err)
	}
	ws, err := p.Wait()
	if err != nil {
		return cli.Exitf(1, "waitpid failed: %v", err)
	}
	if ws.Signaled() {
		signal.Stop(sigs)
		nsutil.DieOfSignal(ws.Signal())
		return cli.Exitf(1, "child exit failed")
	}
	return cli.Exit(ws.ExitStatus())
}
