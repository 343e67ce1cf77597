package nsopt

// Shell is what unshare and nsenter run when no program is given, as
// util-linux's exec_shell: $SHELL (when set, even empty), else /bin/sh,
// executed by path with argv[0] "-" + base (a login shell). base is
// filepath.Base(path), computed without allocating: the pre-runtime start
// calls Shell too.
//
//go:nosplit
func Shell(shell string, set bool) (path, base string) {
	path = shell
	if !set {
		path = binSh[:len(binSh)-1]
	}
	base = path
	for len(base) > 0 && base[len(base)-1] == '/' {
		base = base[:len(base)-1]
	}
	for i := len(base) - 1; i >= 0; i-- {
		if base[i] == '/' {
			base = base[i+1:]
			break
		}
	}
	switch {
	case path == "":
		base = "."
	case base == "":
		base = "/"
	}
	return path, base
}

// binSh is the default shell with a NUL after it in memory: the early start
// passes the path to execve(2) as it is.
const binSh = "/bin/sh\x00"
