package nsexectest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/spawn"
)

// DescribeSteps renders a plan's steps one a line, as the kernel sees
// them, so that two starts' plans for one command line compare as text:
// the C strings an argument points to (mount(2)'s source, target and type;
// chroot(2)'s, chdir(2)'s and an OpenCwd's path), a file descriptor by
// what it holds (setns(2)'s namespace, fchdir(2)'s directory),
// rt_sigaction(2) without its struct's address. nstool's own
// prctl(PR_SET_PDEATHSIG) is left out, and a StepForkWait unless forks:
// how the work is split between processes may differ where the caller
// compares that apart (unshare's --fork).
func DescribeSteps(steps []spawn.Step, forks bool) string {
	var b strings.Builder
	for _, s := range steps {
		if s.Kind == spawn.StepForkWait && !forks || s.Kind == spawn.StepSyscall && s.Trap == unix.SYS_PRCTL && s.Args[0] == unix.PR_SET_PDEATHSIG {
			continue
		}
		args := fmt.Sprint(s.Args)
		switch {
		case s.Trap == unix.SYS_MOUNT:
			var strs [3]string
			for i := range strs {
				strs[i] = argString(s.Args[i])
			}
			args = fmt.Sprintf("%q %#x %d", strs, s.Args[3], s.Args[4])
		case s.Trap == unix.SYS_CHROOT || s.Trap == unix.SYS_CHDIR || s.Kind == spawn.StepOpenCwd && s.Args[0] != 0:
			args = strconv.Quote(argString(s.Args[0]))
		case s.Trap == unix.SYS_SETNS || s.Trap == unix.SYS_FCHDIR:
			link, _ := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(s.Args[0])))
			args = fmt.Sprintf("%s %#x", link, s.Args[1])
		case s.Trap == unix.SYS_RT_SIGACTION:
			args = fmt.Sprint(s.Args[0], s.Args[2:])
		}
		fmt.Fprintf(&b, "kind=%d trap=%d args=%s path=%q data=%q err=%q soft=%v enoent=%v ignore=%d skip=%d ok=%d untraced=%v\n",
			s.Kind, s.Trap, args, s.Path, s.Data, s.Err, s.Soft, s.IgnoreENOENT, s.IgnoreErrno, s.SkipIfDone, s.OKIfDone, s.Untraced)
	}
	return b.String()
}

// argString is the C string a step's argument points to ("" for NULL).
func argString(arg uintptr) string {
	if arg == 0 {
		return ""
	}
	return spawn.CString(*(**byte)(unsafe.Pointer(&arg)))
}
