package nslist

import (
	"bytes"
	"errors"
	"os"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/internal/parallel"
	"github.com/nstool/nstool/nsutil/namespaces"
)

// ProcInfo is what one pass over /proc learns about one process (not a
// thread: like lsns, nstool reads /proc/PID, the thread-group leader).
type ProcInfo struct {
	PID int
	// UID is the effective UID: proc(5) makes it the owner of /proc/PID,
	// except for a process that is not dumpable (a setuid program,
	// prctl(PR_SET_DUMPABLE, 0)), whose directory root owns. lsns reads it
	// the same way.
	UID uint32
	// NS holds the inode of each of the process's namespaces, indexed by
	// NSType; 0 where it was not asked for or could not be read (another
	// user's process, or a zombie that has dropped its namespaces).
	NS [namespaces.NumTypes]uint64

	// Filled only with ScanOptions.Details, from /proc/PID/status:
	PPID    int
	Name    string // the command name (comm, 15 bytes at most)
	State   byte   // R, S, D, Z, T, ... (proc(5))
	Threads int    // number of threads
}

// ProcScan is the result of one pass over /proc.
type ProcScan struct {
	Processes []*ProcInfo // ascending PID
	// Denied counts the processes whose namespaces (some or all of those
	// asked for) the caller may not read: EACCES on /proc/PID/ns/TYPE.
	Denied int
}

// ScanOptions choose what Scan reads.
type ScanOptions struct {
	Types namespaces.TypeSet // which /proc/PID/ns links to stat
	// Details reads /proc/PID/status too (one more file per process, a
	// third of the scan's time): PPID, Name, State, Threads.
	Details bool
	// Owners stats /proc/PID for every process's UID (one more system
	// call per process: with one type asked for, half of the scan's
	// time). Without it UID stays 0 until ReadOwner, and a process none
	// of whose links could be read (exited, or a zombie) is left out.
	Owners bool
}

// Scan reads every process under /proc once: the owner of
// /proc/PID (with Owners), the target of each /proc/PID/ns/TYPE link asked for and, with
// Details, /proc/PID/status. Processes that exit during the scan are left
// out silently; a process whose namespaces the caller may not read is kept
// with those inodes 0 and counted in Denied. Only a failure to read /proc
// itself is an error.
func Scan(opts ScanOptions) (*ProcScan, error) {
	dir, err := os.Open("/proc")
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	pids := make([]int, 0, len(names))
	for _, name := range names {
		if pid, err := strconv.Atoi(name); err == nil && pid > 0 {
			pids = append(pids, pid)
		}
	}
	// procfs lists PIDs in ascending order already; do not rely on it.
	sort.Ints(pids)

	proc := int(dir.Fd())
	infos := make([]ProcInfo, len(pids)) // one allocation for them all
	procs := make([]*ProcInfo, len(pids))
	denied := make([]bool, len(pids))
	parallel.Do(len(pids), func(i int) {
		if ok, d := readProcess(proc, pids[i], opts, &infos[i]); ok {
			procs[i], denied[i] = &infos[i], d
		}
	})

	s := &ProcScan{Processes: procs[:0]}
	for i, p := range procs {
		if p == nil {
			continue // exited under us, or unreadable: as lsns, skip it
		}
		if denied[i] {
			s.Denied++
		}
		s.Processes = append(s.Processes, p)
	}
	return s, nil
}

// readProcess reads one process through proc, a descriptor of /proc, into
// p; false when it is gone. Its system calls name files relative to proc,
// which spares the kernel walking "/proc" each time.
func readProcess(proc, pid int, opts ScanOptions, p *ProcInfo) (ok, denied bool) {
	var path [40]byte // "PID", then "PID/ns/TYPE\x00"
	pidLen := len(strconv.AppendInt(path[:0], int64(pid), 10))
	p.PID = pid
	if opts.Owners {
		uid, err := ownerAt(proc, string(path[:pidLen]))
		if err != nil {
			return false, false // exited
		}
		p.UID = uid
	}
	if opts.Details {
		buf := make([]byte, 4096)
		n, err := readFile("/proc/"+strconv.Itoa(pid)+"/status", buf)
		if err != nil || !parseStatus(buf[:n], p) {
			return false, false
		}
	}
	nsPath := append(path[:pidLen], "/ns/"...)
	var link [64]byte
	read := false // a link read, or refused: the process is there
	for t := namespaces.Type(0); t < namespaces.NumTypes; t++ {
		if !opts.Types.Has(t) {
			continue
		}
		// readlink(2) gives "net:[4026531840]": the inode stat(2) would
		// give, for about half the kernel's work (stat also follows the
		// magic link into nsfs).
		n, errno := readlinkAt(proc, append(nsPath, nsLinkNames[t]...), link[:])
		switch errno {
		case 0:
			p.NS[t] = linkInode(link[:n])
			read = true
		case unix.EACCES, unix.EPERM:
			// Reading a namespace link needs ptrace read access
			// (PTRACE_MODE_READ_FSCREDS, proc(5)).
			denied, read = true, true
		default:
			// ENOENT: a zombie has no namespaces left (lsns skips
			// them too), or the kernel lacks the type; ESRCH: the
			// process is exiting. Neither is an error.
		}
	}
	return read || opts.Owners, denied
}

// ownerAt is the effective UID of the process whose /proc directory is
// name, relative to proc: proc(5) makes it the directory's owner.
func ownerAt(proc int, name string) (uint32, error) {
	var st unix.Stat_t
	if err := unix.Fstatat(proc, name, &st, 0); err != nil {
		return 0, err
	}
	return st.Uid, nil
}

// ReadOwner fills UID for a process scanned without ScanOptions.Owners.
func (p *ProcInfo) ReadOwner() error {
	uid, err := ownerAt(unix.AT_FDCWD, "/proc/"+strconv.Itoa(p.PID))
	if err != nil {
		return err
	}
	p.UID = uid
	return nil
}

// linkInode reads the inode out of a namespace link's target,
// "TYPE:[INODE]"; 0 if it is not one.
func linkInode(b []byte) uint64 {
	i := bytes.IndexByte(b, '[')
	if i < 0 || len(b) < i+3 || b[len(b)-1] != ']' {
		return 0
	}
	var n uint64
	for _, c := range b[i+1 : len(b)-1] {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + uint64(c-'0')
	}
	return n
}

// readFile reads a small /proc file (status, cmdline, comm) into buf with
// plain system calls (no os.File, no fstat for a size procfs does not
// know). One read(2) is enough: status and comm are a single seq_file
// record, which procfs formats whole and copies out in one call, and
// cmdline is copied page by page within the call, up to the buffer's size.
func readFile(path string, buf []byte) (int, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EINTR {
			continue
		}
		return n, err
	}
}

// parseStatus picks from /proc/PID/status (proc(5)) the lines "Name:",
// "State:", "PPid:" and "Threads:".
func parseStatus(b []byte, p *ProcInfo) bool {
	seen := 0
	for len(b) > 0 && seen < 4 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		key, val, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			continue
		}
		// The kernel writes one tab after the colon. The name (the comm)
		// follows as it is but for its escapes, so it may itself start with
		// a blank; the numbers are padded with more.
		val = bytes.TrimPrefix(val, []byte{'\t'})
		switch string(key) {
		case "Name":
			p.Name = unescapeStatusName(val)
		case "State":
			if val = bytes.TrimLeft(val, " \t"); len(val) > 0 {
				p.State = val[0]
			}
		case "PPid":
			p.PPID = atoi(bytes.TrimLeft(val, " \t"))
		case "Threads":
			p.Threads = atoi(bytes.TrimLeft(val, " \t"))
		default:
			continue
		}
		seen++
	}
	return seen == 4
}

// unescapeStatusName undoes the escaping of the "Name:" line: the kernel
// writes a backslash as \\ and control characters as \n, \t, ... (its
// seq_escape_str with ESCAPE_SPACE|ESCAPE_SPECIAL).
func unescapeStatusName(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 == len(b) {
			out = append(out, b[i])
			continue
		}
		i++
		if c := statusEscapes[b[i]]; c != 0 {
			out = append(out, c)
		} else {
			out = append(out, b[i]) // \\ and any other: the byte itself
		}
	}
	return string(out)
}

// statusEscapes is the byte each letter after a backslash stands for in
// the "Name:" line (0: the letter itself).
var statusEscapes = [256]byte{'n': '\n', 't': '\t', 'r': '\r', 'f': '\f', 'v': '\v', 'a': '\a', 'e': 0x1b}

func atoi(b []byte) int {
	n, neg := 0, false
	for i, c := range b {
		if i == 0 && c == '-' {
			neg = true
			continue
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// ReadCmdline returns /proc/PID/cmdline as lsns prints it: at most 8192
// bytes, every NUL turned into a space, and the last byte (normally the
// final NUL) dropped. "" for a kernel thread, a zombie or a process that
// has exited: callers fall back to ReadComm.
func ReadCmdline(pid int) string { return readProcText(pid, "cmdline") }

// ReadComm returns the command name from /proc/PID/comm, without its
// newline; "" when the process has exited.
func ReadComm(pid int) string { return readProcText(pid, "comm") }

// ReadCommands returns the command of each process as lsns shows it: its
// command line, or its name for a kernel thread; "" for one that has
// exited. They are read in parallel, a few hundred for a host-wide listing.
func ReadCommands(pids []int) []string {
	cmds := make([]string, len(pids))
	parallel.Do(len(pids), func(i int) {
		if cmds[i] = ReadCmdline(pids[i]); cmds[i] == "" {
			cmds[i] = ReadComm(pids[i])
		}
	})
	return cmds
}

func readProcText(pid int, name string) string {
	var b [8192]byte
	n, err := readFile("/proc/"+strconv.Itoa(pid)+"/"+name, b[:])
	if err != nil || n <= 0 {
		return ""
	}
	for i, c := range b[:n] {
		if c == 0 {
			b[i] = ' '
		}
	}
	return string(b[:n-1])
}

// ReadDetails fills PPID, Name, State and Threads from /proc/PID/status,
// for a process scanned without ScanOptions.Details. An error wrapping
// ENOENT or ESRCH means the process has exited.
func (p *ProcInfo) ReadDetails() error {
	buf := make([]byte, 4096)
	path := "/proc/" + strconv.Itoa(p.PID) + "/status"
	n, err := readFile(path, buf)
	if err != nil {
		return &os.PathError{Op: "read", Path: path, Err: err}
	}
	if !parseStatus(buf[:n], p) {
		return &os.PathError{Op: "parse", Path: path, Err: errStatus}
	}
	return nil
}

var errStatus = errors.New("missing Name, State, PPid or Threads line")

// ReadCgroups returns the cgroups of a process from /proc/PID/cgroup
// (cgroups(7)): for the unified (v2) hierarchy its path, "/user.slice";
// for v1 hierarchies "controllers:path". Paths are relative to the
// caller's cgroup namespace root.
func ReadCgroups(pid int) ([]string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		// hierarchy-ID:controller-list:cgroup-path
		_, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		ctrl, path, ok := strings.Cut(rest, ":")
		if !ok {
			continue
		}
		if ctrl == "" {
			out = append(out, path)
		} else {
			out = append(out, ctrl+":"+path)
		}
	}
	return out, nil
}

// readWhole reads a /proc file of any size (a mount table) with plain
// system calls, appending to buf (which it grows as needed).
func readWhole(path string, buf []byte) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return buf, err
	}
	defer unix.Close(fd)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		// A seq_file such as mountinfo hands out about a page per
		// read(2), whatever the buffer's size: read to the end.
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return buf, err
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}
