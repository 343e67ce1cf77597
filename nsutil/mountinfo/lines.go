package mountinfo

import (
	"io"
	"strings"
	"unsafe"
)

// Lines reads a mount table line by line and counts the lines, so that a
// reader can say "parse error at line N" as util-linux does. A line is
// given without its "\n" and without a "\r" before it (a table saved on
// another system); the last line needs no newline. Lines stay valid after
// the next Scan: they are cut from chunks of the input that are never
// written again, so a table of 16,000 mounts costs about 25 allocations
// instead of one per line.
type Lines struct {
	r     io.Reader
	chunk string // what is left of the last chunk read
	text  string
	n     int
	err   error
	eof   bool
	done  bool
}

// chunkSize is sixteen pages of /proc/PID/mountinfo per read(2), and little
// to allocate for the callers that read a small table often (umount -R
// reads it once per mount).
const chunkSize = 64 * 1024

// NewLines reads r in chunks of 64 KiB.
func NewLines(r io.Reader) *Lines { return &Lines{r: r} }

// Scan moves to the next line; false at the end or on a read error (Err).
func (l *Lines) Scan() bool {
	for !l.done {
		if i := strings.IndexByte(l.chunk, '\n'); i >= 0 {
			l.next(l.chunk[:i])
			l.chunk = l.chunk[i+1:]
			return true
		}
		if l.eof {
			// The last line without a newline, then the end.
			l.done = true
			if l.chunk != "" {
				l.next(l.chunk)
				l.chunk = ""
				return true
			}
			break
		}
		l.fill()
	}
	l.text = ""
	return false
}

func (l *Lines) next(line string) {
	l.n++
	l.text = strings.TrimSuffix(line, "\r")
}

// fill reads the next chunk after what is left of the last one (a line
// cut in two by the read). A line longer than a chunk doubles it.
func (l *Lines) fill() {
	size := chunkSize
	for size < 2*len(l.chunk) {
		size *= 2
	}
	buf := make([]byte, len(l.chunk), size)
	copy(buf, l.chunk)
	for len(buf) < cap(buf) {
		n, err := l.r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			if err != io.EOF {
				l.err = err
			}
			l.eof = true
			break
		}
	}
	// buf is not written again (the next chunk is a new buffer), so the
	// string can share its bytes.
	l.chunk = unsafe.String(unsafe.SliceData(buf), len(buf))
}

// Buffered is how many more whole lines have been read and not scanned:
// a capacity for a caller that keeps one entry per line (a table that fits
// one chunk is read whole before its first line is given).
func (l *Lines) Buffered() int { return strings.Count(l.chunk, "\n") }

// Text is the current line.
func (l *Lines) Text() string { return l.text }

// Number is the current line's number, from 1.
func (l *Lines) Number() int { return l.n }

// Err is the read error that ended Scan, or nil at the end of the input.
func (l *Lines) Err() error { return l.err }
