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
