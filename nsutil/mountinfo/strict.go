package mountinfo

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

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

// ParseLine parses one line (without its newline) strictly: it refuses
// what libmount refuses and also what the kernel never writes (see
// tokenize), saying what is wrong.
func ParseLine(line string) (Mount, error) {
	var m Mount
	quirk, ok := tokenize(line, &m)
	if !ok {
		return Mount{}, errFields
	}
	if quirk != nil {
		return m, quirk
	}
	if !singleSpaced(m.Optional) {
		m.Optional = strings.Join(strings.Fields(m.Optional), " ")
	}
	return m, nil
}

// singleSpaced reports whether the optional fields are as the kernel
// writes them, one space between words, so that the strict reading need
// not rewrite them.
func singleSpaced(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ') {
			return false
		}
		if c >= 0x80 || (c >= '\t' && c <= '\r') {
			return false // a space strings.Fields would split at (UTF-8 ones too)
		}
	}
	return true
}

// Parse reads mountinfo lines from r strictly. Bad lines are returned in
// bad (one ParseError each) and skipped; err is only a read error. Empty
// lines are skipped silently.
func Parse(r io.Reader) (mounts Table, bad []*ParseError, err error) {
	lines := NewLines(r)
	for lines.Scan() {
		line := lines.Text()
		if len(mounts) == cap(mounts) {
			// A table that fits one chunk (reach reads hundreds) is read
			// whole before its first line: one allocation for all of it.
			// A larger one doubles, where append's growth by a quarter
			// would copy a table of 16,000 mounts (2.7 MB) about twelve
			// times over.
			grown := make(Table, len(mounts), 2*cap(mounts)+1+lines.Buffered())
			copy(grown, mounts)
			mounts = grown
		}
		if line == "" {
			continue
		}
		m, perr := ParseLine(line)
		if perr != nil {
			bad = append(bad, &ParseError{Line: lines.Number(), Text: line, Err: perr})
			continue
		}
		mounts = append(mounts, m)
	}
	return mounts, bad, lines.Err()
}

// Read parses /proc/PID/mountinfo; pid 0 means the calling thread
// (/proc/thread-self: its root and mount namespace, which are the
// process's unless the thread joined another, as umount -N's does; proc(5)).
// Bad lines are dropped: the kernel writes none.
func Read(pid int) (Table, error) {
	path := "/proc/thread-self/mountinfo"
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
