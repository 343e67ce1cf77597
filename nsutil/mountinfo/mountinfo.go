package mountinfo

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Mount is one line of /proc/PID/mountinfo (proc(5)):
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//	(1)(2)(3)   (4)   (5)      (6)     (7)   (8) (9)   (10)         (11)
//
// Strings are decoded: the kernel writes space, tab, newline and backslash
// as \040, \011, \012 and \134.
type Mount struct {
	ID     int    // (1) unique mount ID (may be reused after umount)
	Parent int    // (2) ID of the parent mount; itself for the root of the tree
	Major  uint32 // (3) st_dev of files on this filesystem
	Minor  uint32
	Root   string // (4) the directory of the filesystem that forms this mount's root
	Target string // (5) mount point, relative to the reader's root
	// VFSOptions are the per-mount options (6): rw/ro, nosuid, relatime...
	VFSOptions string
	// Optional is the raw text of the optional fields (7), space-separated:
	// "shared:1 master:2" (empty when there are none).
	Optional    string
	Propagation        // (7) decoded
	FSType      string // (9) filesystem type, with its subtype ("fuse.sshfs")
	Source      string // (10) filesystem-specific source, or "none"; may be empty
	FSOptions   string // (11) per-superblock options
}

// Propagation is what the optional fields of mountinfo say about mount
// propagation (see the kernel's sharedsubtree.rst and mount_namespaces(7)).
type Propagation struct {
	PeerGroup     int  // shared:N — the mount is in peer group N (0: not shared)
	Master        int  // master:N — the mount is a slave of peer group N (0: not a slave)
	PropagateFrom int  // propagate_from:N — the nearest dominant peer group visible to the reader
	Unbindable    bool // unbindable — the mount cannot be bind-mounted
}

// Shared reports whether the mount is in a peer group.
func (p Propagation) Shared() bool { return p.PeerGroup != 0 }

// Slave reports whether the mount receives propagation from a master group.
func (p Propagation) Slave() bool { return p.Master != 0 }

// String is findmnt's PROPAGATION column: "shared" or "private", then
// ",slave" and ",unbindable". A slave that is not shared prints
// "private,slave": the text hides groups, so compare Propagation values.
func (p Propagation) String() string {
	s := "private"
	if p.Shared() {
		s = "shared"
	}
	if p.Slave() {
		s += ",slave"
	}
	if p.Unbindable {
		s += ",unbindable"
	}
	return s
}

// ParseError is one bad line of a mountinfo file. The rest of the file is
// still parsed: util-linux reports "parse error at line N -- ignored".
type ParseError struct {
	Line int    // 1-based line number
	Text string // the line as read
	Err  error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("parse error at line %d: %v", e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

var errFields = errors.New("too few fields")

// Parse reads mountinfo lines from r. Bad lines are returned in bad
// (one ParseError each) and skipped; err is only a read error. Empty lines
// are skipped silently.
func Parse(r io.Reader) (mounts []Mount, bad []*ParseError, err error) {
	br := bufio.NewReaderSize(r, 64*1024)
	for lineNo := 1; ; lineNo++ {
		line, rerr := br.ReadString('\n')
		line = strings.TrimSuffix(line, "\n")
		if line != "" {
			m, perr := ParseLine(line)
			if perr != nil {
				bad = append(bad, &ParseError{Line: lineNo, Text: line, Err: perr})
			} else {
				mounts = append(mounts, m)
			}
		}
		if rerr == io.EOF {
			return mounts, bad, nil
		}
		if rerr != nil {
			return mounts, bad, rerr
		}
	}
}

// Read parses /proc/PID/mountinfo; pid 0 means the caller
// (/proc/self). Bad lines are dropped: the kernel writes none.
func Read(pid int) ([]Mount, error) {
	path := "/proc/self/mountinfo"
	if pid != 0 {
		path = "/proc/" + strconv.Itoa(pid) + "/mountinfo"
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	mounts, _, err := Parse(f)
	return mounts, err
}

// ParseLine parses one line (without its newline).
func ParseLine(line string) (Mount, error) {
	var m Mount
	f := strings.Fields(line)
	// Ten fields at least: six before the optional fields, the "-"
	// separator, then fstype, source and super options. An empty source
	// makes strings.Fields lose a field, handled below.
	sep := -1
	for i := 6; i < len(f); i++ {
		if f[i] == "-" {
			sep = i
			break
		}
	}
	if len(f) < 6 || sep < 0 {
		return m, errFields
	}
	var err error
	if m.ID, err = strconv.Atoi(f[0]); err != nil {
		return m, fmt.Errorf("bad mount ID %q", f[0])
	}
	if m.Parent, err = strconv.Atoi(f[1]); err != nil {
		return m, fmt.Errorf("bad parent ID %q", f[1])
	}
	maj, min, ok := strings.Cut(f[2], ":")
	ma, err1 := strconv.ParseUint(maj, 10, 32)
	mi, err2 := strconv.ParseUint(min, 10, 32)
	if !ok || err1 != nil || err2 != nil {
		return m, fmt.Errorf("bad major:minor %q", f[2])
	}
	m.Major, m.Minor = uint32(ma), uint32(mi)
	m.Root = Unescape(f[3])
	m.Target = Unescape(f[4])
	m.VFSOptions = Unescape(f[5])
	opt := f[6:sep]
	m.Optional = strings.Join(opt, " ")
	if m.Propagation, err = parseOptional(opt); err != nil {
		return m, err
	}
	rest := f[sep+1:]
	switch len(rest) {
	case 3:
		m.FSType, m.Source, m.FSOptions = Unescape(rest[0]), Unescape(rest[1]), Unescape(rest[2])
	case 2:
		// The source field is empty ("- tmpfs  rw"): the kernel prints
		// whatever the filesystem was mounted with, and that can be "".
		m.FSType, m.FSOptions = Unescape(rest[0]), Unescape(rest[1])
	default:
		return m, errFields
	}
	return m, nil
}

// parseOptional decodes the optional fields: shared:N, master:N,
// propagate_from:N and unbindable. Unknown tags are ignored, as proc(5)
// tells readers to do.
func parseOptional(fields []string) (Propagation, error) {
	var p Propagation
	for _, f := range fields {
		tag, val, _ := strings.Cut(f, ":")
		var dst *int
		switch tag {
		case "shared":
			dst = &p.PeerGroup
		case "master":
			dst = &p.Master
		case "propagate_from":
			dst = &p.PropagateFrom
		case "unbindable":
			p.Unbindable = true
			continue
		default:
			continue
		}
		n, err := strconv.Atoi(val)
		if err != nil || n <= 0 {
			return p, fmt.Errorf("bad optional field %q", f)
		}
		*dst = n
	}
	return p, nil
}

// Unescape decodes the kernel's octal escapes (\NNN) in a mountinfo field.
// A backslash not followed by three octal digits is kept as it is.
func Unescape(s string) string {
	i := strings.IndexByte(s, '\\')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
