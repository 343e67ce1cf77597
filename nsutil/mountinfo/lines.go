package mountinfo

import (
	"bufio"
	"io"
	"strings"
)

// Lines reads a mount table line by line and counts the lines, so that a
// reader can say "parse error at line N" as util-linux does. A line is
// given without its "\n" and without a "\r" before it (a table saved on
// another system); the last line needs no newline. Each line is a string
// of its own: fields cut from it stay valid after the next Scan.
type Lines struct {
	br   *bufio.Reader
	text string
	n    int
	err  error
	done bool
}

// NewLines reads from r through a 64 KiB buffer: sixteen pages of
// /proc/PID/mountinfo per read(2), and little to allocate for the callers
// that read a small table often (umount -R reads it once per mount).
func NewLines(r io.Reader) *Lines { return &Lines{br: bufio.NewReaderSize(r, 64*1024)} }

// Scan moves to the next line; false at the end or on a read error (Err).
func (l *Lines) Scan() bool {
	if l.done {
		return false
	}
	line, err := l.br.ReadString('\n')
	if line == "" && err != nil {
		if err != io.EOF {
			l.err = err
		}
		l.done, l.text = true, ""
		return false
	}
	l.n++
	line = strings.TrimSuffix(line, "\n")
	l.text = strings.TrimSuffix(line, "\r")
	return true
}

// Text is the current line.
func (l *Lines) Text() string { return l.text }

// Number is the current line's number, from 1.
func (l *Lines) Number() int { return l.n }

// Err is the read error that ended Scan, or nil at the end of the input.
func (l *Lines) Err() error { return l.err }
