package unshare_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// openPTY opens a pseudo-terminal pair (pty(7)): /dev/ptmx, unlocked, and
// its /dev/pts/N.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// screen collects what the terminal shows.
type screen struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	updated chan struct{}
}

func (s *screen) read(m *os.File) {
	b := make([]byte, 4096)
	for {
		n, err := m.Read(b)
		s.mu.Lock()
		s.buf.Write(b[:n])
		s.mu.Unlock()
		select {
		case s.updated <- struct{}{}:
		default:
		}
		if err != nil {
			close(s.updated)
			return
		}
	}
}

// expect waits until the screen shows want.
func (s *screen) expect(t *testing.T, want string) {
	t.Helper()
	for {
		s.mu.Lock()
		ok := strings.Contains(s.buf.String(), want)
		s.mu.Unlock()
		if ok {
			return
		}
		if _, open := <-s.updated; !open {
			t.Fatalf("terminal closed before %q appeared:\n%s", want, s.buf.String())
		}
	}
}

// TestInteractiveShellJobControl: bash under unshare on a terminal is a
// normal interactive shell: job control on, its job in the terminal's
// foreground, Ctrl-Z stops the job, Ctrl-C kills it and not the shell.
func TestInteractiveShellJobControl(t *testing.T) {
	nstest.RequireRoot(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	tools := nsexectest.Tools(t, "unshare")
	for _, extra := range [][]string{
		{"--mount", "--propagation=shared"},
		{"--user", "--map-root-user", "--mount"},
		{"--fork", "--pid", "--mount-proc"},
	} {
		for _, tool := range tools {
			t.Run(tool.Name+" "+strings.Join(extra, " "), func(t *testing.T) {
				master, slave := openPTY(t)
				defer master.Close()
				argv := append(append(append([]string{}, tool.Argv...), extra...), bash, "--norc", "--noprofile", "-i")
				cmd := exec.Command(argv[0], argv[1:]...)
				cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
				cmd.Env = append(os.Environ(), "TERM=dumb", "PS1=$ ")
				cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0, Pdeathsig: syscall.SIGKILL}
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				slave.Close()
				sc := &screen{updated: make(chan struct{}, 1)}
				go sc.read(master)
				send := func(s string) {
					if _, err := master.Write([]byte(s)); err != nil {
						t.Fatal(err)
					}
				}
				defer func() {
					cmd.Process.Kill()
					cmd.Wait()
				}()

				send("case $- in *m*) echo MON$((40+2));; esac\n")
				sc.expect(t, "MON42")

				// A foreground job owns the terminal; Ctrl-Z stops it.
				send("sleep 1000\n")
				sleep := nsexectest.Descendant(cmd.Process.Pid, "sleep")
				waitForeground(t, sleep, sc)
				send("\x1a")
				sc.expect(t, "Stopped")
				send("kill -9 %1; echo K$((1+1))\n")
				sc.expect(t, "K2")
				nsexectest.WaitGone(sleep)

				// Ctrl-C ends the job, the shell carries on.
				// (bash drops the rest of a line whose job died of SIGINT.)
				send("sleep 1001\n")
				sleep = nsexectest.Descendant(cmd.Process.Pid, "sleep")
				waitForeground(t, sleep, sc)
				send("\x03")
				nsexectest.WaitGone(sleep)
				send("echo RC$?\n")
				sc.expect(t, "RC130")

				send("exit 0\n")
				if err := cmd.Wait(); err != nil {
					t.Errorf("%v: %v\n%s", argv, err, sc.buf.String())
				}
				if out := sc.buf.String(); strings.Contains(out, "no job control") {
					t.Errorf("bash has no job control:\n%s", out)
				}
			})
		}
	}
}

// waitForeground waits until pid's process group is the terminal's
// foreground group (bash gives it the terminal just after the fork).
func waitForeground(t *testing.T, pid int, sc *screen) {
	t.Helper()
	for {
		st, ok := nsexectest.Stat(pid)
		if !ok {
			sc.mu.Lock()
			defer sc.mu.Unlock()
			t.Fatalf("process %d ended; the terminal shows:\n%s", pid, sc.buf.String())
		}
		if st.TPG == st.Pgrp && st.State == 'S' {
			return
		}
		syscall.Nanosleep(&syscall.Timespec{Nsec: 2e6}, nil)
	}
}
