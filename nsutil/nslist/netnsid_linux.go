package nslist

import (
	"encoding/binary"
	"errors"
	"os"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/namespaces"
)

// NetNSIDNotAssigned is the answer for a network namespace the caller's
// network namespace has no ID for (NETNSA_NSID_NOT_ASSIGNED).
const NetNSIDNotAssigned = unix.NETNSA_NSID_NOT_ASSIGNED

// NetNSIDs asks the kernel, over one rtnetlink socket, for the IDs the
// caller's network namespace gives other network namespaces ("ip netns
// list-id"; RTM_GETNSID in rtnetlink(7)). Close it when done.
type NetNSIDs struct{ fd int }

// OpenNetNSIDs opens the rtnetlink socket.
func OpenNetNSIDs() (*NetNSIDs, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	return &NetNSIDs{fd: fd}, nil
}

// Close closes the socket.
func (n *NetNSIDs) Close() error { return unix.Close(n.fd) }

var errNetlink = errors.New("unexpected rtnetlink answer")

// Lookup returns the ID of the network namespace that the file at path
// (/proc/PID/ns/net or a bind mount of it) refers to: a number >= 0, or
// NetNSIDNotAssigned.
func (n *NetNSIDs) Lookup(path string) (int, error) {
	nsfd, err := namespaces.Open(path)
	if err != nil {
		return 0, err
	}
	defer unix.Close(nsfd)

	// nlmsghdr (16) + rtgenmsg padded to 4 + one rtattr NETNSA_FD (8).
	req := make([]byte, 28)
	le := binary.NativeEndian
	le.PutUint32(req[0:], uint32(len(req)))
	le.PutUint16(req[4:], unix.RTM_GETNSID)
	le.PutUint16(req[6:], unix.NLM_F_REQUEST)
	req[16] = unix.AF_UNSPEC
	le.PutUint16(req[20:], 8)
	le.PutUint16(req[22:], unix.NETNSA_FD)
	le.PutUint32(req[24:], uint32(nsfd))
	if err := unix.Send(n.fd, req, 0); err != nil {
		return 0, os.NewSyscallError("send", err)
	}
	res := make([]byte, 1024)
	m, _, err := unix.Recvfrom(n.fd, res, 0)
	if err != nil {
		return 0, os.NewSyscallError("recv", err)
	}
	res = res[:m]
	if len(res) < 20 || le.Uint16(res[4:]) != unix.RTM_NEWNSID {
		return 0, errNetlink
	}
	// Attributes follow the header and the padded rtgenmsg.
	for a := res[20:]; len(a) >= 4; {
		alen, atype := int(le.Uint16(a[0:])), le.Uint16(a[2:])
		if alen < 4 || alen > len(a) {
			break
		}
		if atype == unix.NETNSA_NSID && alen >= 8 {
			return int(int32(le.Uint32(a[4:]))), nil
		}
		a = a[(alen+3)&^3:]
	}
	return 0, errNetlink
}
