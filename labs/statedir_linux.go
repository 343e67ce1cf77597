package labs

import (
	"os"

	"golang.org/x/sys/unix"
)

// The sandbox's state directory reaches the host side as an open file: init
// sends it over the "ready" socket (fd 3, SCM_RIGHTS, unix(7)) as soon as
// the state is written, before the setup runs. A file in flight stays valid
// after its sender dies, so a sandbox ended right at its start (`lab
// reset`, kill -9) still leaves its last state, who ended it included, for
// `lab start` to read. The supervisor writes one more byte on the same
// socket when the setup is done.

// readySocket is the pair: the host side reads r; the sandbox gets w as fd 3.
func readySocket() (r, w *os.File, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	return os.NewFile(uintptr(fds[0]), "ready"), os.NewFile(uintptr(fds[1]), "ready"), nil
}

// sendStateDir sends SandboxDir, opened O_PATH, on the ready socket.
func sendStateDir(ready *os.File) error {
	dir, err := unix.Open(SandboxDir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(dir)
	return unix.Sendmsg(int(ready.Fd()), []byte{2}, unix.UnixRights(dir), nil, 0)
}

// receiveStateDir reads the ready socket to its end and returns the state
// directory init sent (nil if none came: the sandbox died before).
func receiveStateDir(ready *os.File) *os.File {
	var dir *os.File
	buf, oob := make([]byte, 16), make([]byte, unix.CmsgSpace(4))
	for {
		n, oobn, _, _, err := unix.Recvmsg(int(ready.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			return dir
		}
		if msgs, err := unix.ParseSocketControlMessage(oob[:oobn]); err == nil {
			for _, m := range msgs {
				if fds, err := unix.ParseUnixRights(&m); err == nil && len(fds) > 0 && dir == nil {
					dir = os.NewFile(uintptr(fds[0]), SandboxDir)
				}
			}
		}
	}
}
