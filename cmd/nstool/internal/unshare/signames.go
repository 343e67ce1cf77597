package unshare

import (
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// signalNames are util-linux's signal names (lib/signames.c) as glibc
// defines them on Linux, aliases included (IOT, CLD, POLL).
var signalNames = []struct {
	name string
	sig  syscall.Signal
}{
	{"HUP", unix.SIGHUP}, {"INT", unix.SIGINT}, {"QUIT", unix.SIGQUIT}, {"ILL", unix.SIGILL}, {"TRAP", unix.SIGTRAP},
	{"ABRT", unix.SIGABRT}, {"IOT", unix.SIGIOT}, {"BUS", unix.SIGBUS}, {"FPE", unix.SIGFPE}, {"KILL", unix.SIGKILL},
	{"USR1", unix.SIGUSR1}, {"SEGV", unix.SIGSEGV}, {"USR2", unix.SIGUSR2}, {"PIPE", unix.SIGPIPE}, {"ALRM", unix.SIGALRM},
	{"TERM", unix.SIGTERM}, {"STKFLT", unix.SIGSTKFLT}, {"CHLD", unix.SIGCHLD}, {"CLD", unix.SIGCLD}, {"CONT", unix.SIGCONT},
	{"STOP", unix.SIGSTOP}, {"TSTP", unix.SIGTSTP}, {"TTIN", unix.SIGTTIN}, {"TTOU", unix.SIGTTOU}, {"URG", unix.SIGURG},
	{"XCPU", unix.SIGXCPU}, {"XFSZ", unix.SIGXFSZ}, {"VTALRM", unix.SIGVTALRM}, {"PROF", unix.SIGPROF},
	{"WINCH", unix.SIGWINCH}, {"IO", unix.SIGIO}, {"POLL", unix.SIGPOLL}, {"PWR", unix.SIGPWR}, {"SYS", unix.SIGSYS},
}

// glibc's real-time signals: 32 and 33 are its threads' own, so SIGRTMIN
// is 34 for a program (signal(7)); SIGRTMAX is the kernel's 64.
const (
	sigRTMin = 34
	sigRTMax = 64
)

// signalByName is util-linux's signame_to_signum: a name in any case,
// with or without "SIG", or a real-time signal RTMIN+N or RTMAX-N (N
// decimal; RTMIN alone is none).
func signalByName(s string) (syscall.Signal, bool) {
	if len(s) >= 3 && strings.EqualFold(s[:3], "sig") {
		s = s[3:]
	}
	if len(s) >= 2 && strings.EqualFold(s[:2], "rt") {
		return realTimeSignal(s[2:])
	}
	for _, n := range signalNames {
		if strings.EqualFold(n.name, s) {
			return n.sig, true
		}
	}
	return 0, false
}

// realTimeSignal reads "MIN+N" or "MAX-N" (or N alone: SIGRTMIN+N), as
// util-linux's rtsig_to_signum with strtol(3): digits first, anything
// after them ignored.
func realTimeSignal(s string) (syscall.Signal, bool) {
	fromMax := false
	switch {
	case len(s) >= 4 && strings.EqualFold(s[:4], "min+"):
		s = s[4:]
	case len(s) >= 4 && strings.EqualFold(s[:4], "max-"):
		s, fromMax = s[4:], true
	}
	digits := 0
	for digits < len(s) && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	n, err := strconv.Atoi(s[:digits])
	if digits == 0 || err != nil {
		return 0, false
	}
	sig := sigRTMin + n
	if fromMax {
		sig = sigRTMax - n
	}
	if sig < sigRTMin || sig > sigRTMax {
		return 0, false
	}
	return syscall.Signal(sig), true
}
