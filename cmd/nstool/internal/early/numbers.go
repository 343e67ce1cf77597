package early

import (
	"syscall"
	"unsafe"
)

// parseUint32 is strconv.ParseUint(s, 10, 32), as the command reads IDs
// and PIDs.
func parseUint32(s string) (int, bool) {
	v, ok := decimal(s)
	return int(v), ok && v <= 1<<32-1
}

// parseInt64 is strconv.ParseInt(s, 10, 64): a sign, then digits.
func parseInt64(s string) (int64, bool) {
	neg := s != "" && s[0] == '-'
	if s != "" && (neg || s[0] == '+') {
		s = s[1:]
	}
	v, ok := decimal(s)
	switch {
	case ok && neg && v <= 1<<63:
		return int64(-v), true
	case ok && !neg && v < 1<<63:
		return int64(v), true
	}
	return 0, false
}

// decimal is s as digits only, at most 19 of them (no overflow).
func decimal(s string) (uint64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + uint64(s[i]-'0')
	}
	return v, true
}

// idFile holds /etc/passwd or /etc/group while lookupID reads it.
var idFile [64 << 10]byte

// lookupID is the command's lookupID: the ID of the user (group) named s
// in /etc/passwd (/etc/group), as os/user reads them without cgo, else s as
// a number. false: neither, or a file too big for idFile (the ordinary
// start copes).
//
//go:nocheckptr
func lookupID(s string, group bool) (int, bool) {
	path, fields := "/etc/passwd\x00", 7 // os/user: a user line has at least 7 fields, a group line 4
	if group {
		path, fields = "/etc/group\x00", 4
	}
	fd, _, e := syscall.RawSyscall6(syscall.SYS_OPENAT, uintptr(0xffffffffffffff9c), // AT_FDCWD
		uintptr(unsafe.Pointer(unsafe.StringData(path))), syscall.O_RDONLY|syscall.O_CLOEXEC, 0, 0, 0)
	if e == syscall.ENOENT {
		return parseUint32(s)
	}
	if e != 0 {
		return 0, false
	}
	n := 0
	for n < len(idFile) {
		r, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&idFile[n])), uintptr(len(idFile)-n))
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			n = len(idFile)
		}
		if e != 0 || r == 0 {
			break
		}
		n += int(r)
	}
	syscall.RawSyscall(syscall.SYS_CLOSE, fd, 0, 0)
	if n == len(idFile) {
		return 0, false
	}
	text := unsafe.String(&idFile[0], n)
	for len(text) > 0 {
		line := text
		for i := 0; i < len(text); i++ {
			if text[i] == '\n' {
				line, text = text[:i], text[i+1:]
				break
			}
		}
		if line == text {
			text = ""
		}
		if id, match, doubt := idLine(line, s, fields); match || doubt {
			return id, match
		}
	}
	return parseUint32(s)
}

// idLine reads a passwd or group line as os/user does without cgo:
// blanks trimmed, comments skipped; a match has name as its first field
// (not a NIS line, + or -), at least fields fields and a numeric third
// (and, for a user, fourth) field. doubt: a match os/user would read
// otherwise (a signed ID): the ordinary start copes.
func idLine(line, name string, fields int) (id int, match, doubt bool) {
	blank := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }
	for len(line) > 0 && blank(line[0]) {
		line = line[1:]
	}
	for len(line) > 0 && blank(line[len(line)-1]) {
		line = line[:len(line)-1]
	}
	if line == "" || line[0] == '#' || line[0] == '+' || line[0] == '-' {
		return 0, false, false
	}
	var field [4]string
	count, start := 0, 0
	for i := 0; i <= len(line); i++ {
		if i == len(line) || line[i] == ':' {
			if count < len(field) {
				field[count] = line[start:i]
			}
			count++
			start = i + 1
		}
	}
	if count < fields || field[0] != name {
		return 0, false, false
	}
	id, ok := parseUint32(field[2])
	_, gidOK := parseUint32(field[3])
	if ok && (fields == 4 || gidOK) {
		return id, true, false
	}
	signed := func(f string) bool { return f != "" && (f[0] == '-' || f[0] == '+') }
	return 0, false, signed(field[2]) || fields == 7 && signed(field[3])
}
