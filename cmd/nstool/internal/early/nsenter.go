package early

import (
	"github.com/nstool/nstool/nsutil/spawn"
)

// ParseNsenter reads nsenter's options and program from args as the cobra
// command would, into u: -t PID with namespace options, -a, -F and
// --preserve-credentials (see Parse for the rest).
//
//go:nocheckptr
func ParseNsenter(u *spawn.EarlyNsenter, args []*byte, env **byte) bool {
	*u = spawn.EarlyNsenter{EarlyProgram: spawn.EarlyProgram{Env: env}}
	i := 0
	for ; i < len(args); i++ {
		a := spawn.CString(args[i])
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			if a == "-" {
				return false
			}
			break
		}
		value := "" // of -t/--target
		switch {
		case a[1] != '-':
			j := 1
			for ; j < len(a) && a[j] != 't'; j++ {
				if !nsenterShort(u, a[j]) {
					return false
				}
			}
			if j == len(a) {
				continue
			}
			value = a[j+1:] // -tPID, -mtPID (pflag: the rest of the cluster)
		case a == "--target":
		case len(a) > 9 && a[:9] == "--target=":
			value = a[9:]
		default:
			if !nsenterLong(u, a[2:]) {
				return false
			}
			continue
		}
		if value == "" { // -t PID, --target PID
			if i+1 == len(args) {
				return false
			}
			i++
			value = spawn.CString(args[i])
		}
		if u.Target = parsePID(value); u.Target <= 0 {
			return false
		}
	}
	if u.Target == 0 || u.Flags == 0 && !u.All {
		return false // util-linux's complaints are the ordinary start's
	}
	return program(&u.EarlyProgram, args[i:], env)
}

// parsePID is strconv.ParseUint(s, 10, 32) as the command reads -t; -1 when
// it is not one (or too big for a PID: the ordinary start says so).
func parsePID(s string) int {
	if s == "" || len(s) > 10 {
		return -1
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		v = v*10 + uint64(s[i]-'0')
	}
	if v > 1<<31-1 {
		return -1
	}
	return int(v)
}

// nsenterShort takes one letter of a short option cluster (-maF).
func nsenterShort(u *spawn.EarlyNsenter, c byte) bool {
	switch c {
	case 'a':
		u.All = true
	case 'F':
		u.NoFork = true
	default:
		flag := namespaceShort(c)
		u.Flags |= flag
		return flag != 0
	}
	return true
}

// nsenterLong takes --name (without its dashes).
func nsenterLong(u *spawn.EarlyNsenter, name string) bool {
	switch name {
	case "all":
		return nsenterShort(u, 'a')
	case "no-fork":
		return nsenterShort(u, 'F')
	case "preserve-credentials":
		u.PreserveCreds = true
		return true
	}
	return nsenterShort(u, namespaceLong(name))
}
