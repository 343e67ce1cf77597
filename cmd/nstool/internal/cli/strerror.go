package cli

import (
	"errors"
	"io/fs"
	"syscall"

	"github.com/nstool/nstool/nsutil/sysfmt"
)

// Strerror is the text util-linux prints after a colon for a failed call:
// strerror(3) of the errno inside err ("No such file or directory"). The
// one table of those texts is nsutil's (the pre-runtime start prints them
// too); this only finds the errno. An error without one is its own text,
// with the capital letter C's messages have; a *fs.PathError gives its
// inner error, since util-linux names the path itself.
func Strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return sysfmt.Strerror(errno)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return capitalized(err.Error())
}

// capitalized is s with an ASCII lower-case first letter made upper case
// (Go's error texts start in lower case, glibc's in upper case).
func capitalized(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
