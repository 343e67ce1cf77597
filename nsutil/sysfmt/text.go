package sysfmt

import (
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Strerror is strerror(3)'s text for errno ("No such file or directory"), as
// util-linux prints it.
func Strerror(errno syscall.Errno) string {
	s := errno.Error()
	if s == "" {
		return "errno " + strconv.Itoa(int(errno))
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// SignalName is "SIGKILL" for syscall.SIGKILL.
func SignalName(sig syscall.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	return strconv.Itoa(int(sig))
}

// ShellQuote is s as a word of a command line a person may type (a fix to
// try): as it is where no character needs quoting in a POSIX shell, else
// in single quotes.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+=:,@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
