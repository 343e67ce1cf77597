package labs

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// A shell in a user namespace the learner made (`nstool unshare --user`)
// is less privileged than the sandbox: it may not setns(2) into the
// sandbox's namespaces (CAP_SYS_ADMIN over their owner, user_namespaces(7)),
// so a check that asks the kernel in the host's namespace (a locked mount)
// or `lab shell host -- COMMAND` cannot be done from there. The sandbox's
// relay does them: init runs a command line of nstool's for the learner,
// on the learner's terminal (its three file descriptors, sent with
// SCM_RIGHTS, unix(7)). It does what a second terminal on the machine
// would do, for the same user.

// relaySocket is where the relay listens, on the sandbox's own root.
const relaySocket = SandboxDir + "/relay.sock"

// envLearnerShell is the shell a relayed `lab check` was typed in (the
// relay is the check's parent, not that shell).
const envLearnerShell = "NSTOOL_LAB_SHELL_PID"

// relayRequest is one command line to run, with the environment it was
// typed in.
type relayRequest struct {
	Argv []string `json:"argv"`
	Env  []string `json:"env"`
}

// serveRelay makes the relay's socket and serves it from init, until the
// sandbox ends (init calls it before the setup). SOCK_SEQPACKET: one
// message is one request, its descriptors with it. The relay is init
// itself, not a process of its own: the sandbox's processes are the lab's.
func serveRelay(children *reaper) error {
	ln, err := net.ListenUnix("unixpacket", &net.UnixAddr{Name: relaySocket, Net: "unixpacket"})
	if err != nil {
		return err
	}
	go func() {
		for {
			c, err := ln.AcceptUnix()
			if err != nil {
				return
			}
			go relayOne(c, children)
		}
	}()
	return nil
}

// relayOne runs one request: the sandbox's nstool with the request's argv,
// in the host's namespaces, on the descriptors it came with. It answers
// with the exit status; if the caller goes (Ctrl-C), the command is killed.
func relayOne(c *net.UnixConn, children *reaper) {
	defer c.Close()
	buf, oob := make([]byte, 1<<20), make([]byte, unix.CmsgSpace(3*4))
	n, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
	if err != nil {
		return
	}
	var files []*os.File
	if msgs, err := unix.ParseSocketControlMessage(oob[:oobn]); err == nil {
		for _, m := range msgs {
			if fds, err := unix.ParseUnixRights(&m); err == nil {
				for _, fd := range fds {
					unix.CloseOnExec(fd)
					files = append(files, os.NewFile(uintptr(fd), "relayed"))
				}
			}
		}
	}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	var req relayRequest
	if err := json.Unmarshal(buf[:n], &req); err != nil || len(req.Argv) == 0 || len(files) != 3 {
		c.Write([]byte("1"))
		return
	}
	exited, p, err := children.start(SandboxDir+"/bin/nstool", req.Argv, &os.ProcAttr{
		Dir: LabDir, Env: req.Env, Files: files,
		// A session of its own: the terminal is not its controlling one, so
		// it is never stopped for reading it from the background.
		Sys: &syscall.SysProcAttr{Setsid: true},
	})
	if err != nil {
		fmt.Fprintf(files[2], "nstool lab: the sandbox's relay: %v\n", err)
		c.Write([]byte("1"))
		return
	}
	go func() {
		// The caller never writes again: a read ends when it has gone. (The
		// process is signalled by its pidfd: never another with its PID.)
		c.Read(make([]byte, 1))
		p.Kill()
	}()
	ws := <-exited
	p.Release() // its pidfd: init relays for as long as the lab runs
	code := ws.ExitStatus()
	if ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	c.Write([]byte(strconv.Itoa(code)))
}

// reaper hands the statuses init reaps to the relay's children's waiters:
// init waits for every process (wait4(-1)), theirs included.
type reaper struct {
	mu      sync.Mutex
	waiting map[int]chan unix.WaitStatus
}

// start starts a process whose status comes on the channel once init has
// reaped it. The lock is held from the start to the record, and exited
// takes it: a status never comes before its waiter is there.
func (r *reaper) start(path string, argv []string, attr *os.ProcAttr) (<-chan unix.WaitStatus, *os.Process, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := os.StartProcess(path, argv, attr)
	if err != nil {
		return nil, nil, err
	}
	ch := make(chan unix.WaitStatus, 1)
	if r.waiting == nil {
		r.waiting = map[int]chan unix.WaitStatus{}
	}
	r.waiting[p.Pid] = ch
	return ch, p, nil
}

// exited gives pid's status to its waiter, if it has one.
func (r *reaper) exited(pid int, ws unix.WaitStatus) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ch, ok := r.waiting[pid]; ok {
		ch <- ws
		delete(r.waiting, pid)
	}
}

// ErrNeedsRelay is what InOwnUserNS's callers say for what the relay does
// not carry.
var ErrNeedsRelay = errors.New("this shell is in a user namespace of its own (nstool unshare --user), less privileged than the lab's")

// InOwnUserNS tells whether this process is in a user namespace other than
// the sandbox's (one the learner made): what needs the sandbox's
// privileges goes through the relay (RunRelayed).
func InOwnUserNS(stages Stages) bool {
	st, err := ReadState()
	if err != nil || st.UserNS == "" || !stages.isInitPID("1") {
		return false
	}
	mine, err := os.Readlink("/proc/self/ns/user")
	return err == nil && mine != st.UserNS
}

// RunRelayed has the sandbox's relay run argv (a command line of nstool's)
// on stdio, and returns its exit status.
func RunRelayed(argv []string, stdio [3]*os.File) (int, error) {
	c, err := net.DialUnix("unixpacket", nil, &net.UnixAddr{Name: relaySocket, Net: "unixpacket"})
	if err != nil {
		return 1, fmt.Errorf("%w, and the sandbox's relay cannot be reached: %v", ErrNeedsRelay, err)
	}
	defer c.Close()
	req, err := json.Marshal(relayRequest{Argv: argv, Env: append(os.Environ(), envLearnerShell+"="+strconv.Itoa(os.Getppid()))})
	if err != nil {
		return 1, err
	}
	rights := unix.UnixRights(int(stdio[0].Fd()), int(stdio[1].Fd()), int(stdio[2].Fd()))
	if _, _, err := c.WriteMsgUnix(req, rights, nil); err != nil {
		return 1, err
	}
	reply := make([]byte, 16)
	n, err := c.Read(reply)
	if err != nil {
		return 1, fmt.Errorf("the sandbox's relay: %v", err)
	}
	return strconv.Atoi(string(reply[:n]))
}

// learnerShell is the shell a `lab check` was typed in.
func learnerShell() int {
	if pid, err := strconv.Atoi(os.Getenv(envLearnerShell)); err == nil {
		return pid
	}
	return os.Getppid()
}
