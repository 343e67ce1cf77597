package early

import (
	"unsafe"

	"github.com/nstool/nstool/cmd/nstool/internal/nsopt"
	"github.com/nstool/nstool/nsutil/namespaces"
	"github.com/nstool/nstool/nsutil/spawn"
)

// ParseNsenter reads nsenter's options (nsopt.Nsenter) and program from
// args as the cobra command would, into u (see Parse): all but --explain.
//
//go:nocheckptr
func ParseNsenter(u *spawn.EarlyNsenter, args []*byte, env **byte) bool {
	*u = spawn.EarlyNsenter{SetUID: -1, SetGID: -1, EarlyProgram: spawn.EarlyProgram{Env: env}}
	cmd := command{nsopt.Nsenter[:], nsopt.NsenterOptstring, nsopt.NsenterLongopts}
	opts, prog, ok := scan(&cmd, args)
	if !ok {
		return false
	}
	for i := range opts {
		if !setNsenter(u, &opts[i]) {
			return false
		}
	}
	if u.Flags == 0 && !u.All || u.Wd && u.Wdns != nil {
		return false // util-linux's complaints are the ordinary start's
	}
	return program(&u.EarlyProgram, args[prog:], env)
}

// setNsenter is Options.Config for one option of nsenter's.
//
//go:nocheckptr
func setNsenter(u *spawn.EarlyNsenter, o *opt) bool {
	var ok bool
	switch o.id {
	case nsopt.All:
		u.All = true
	case nsopt.NoFork:
		u.NoFork = true
	case nsopt.PreserveCredentials:
		u.PreserveCreds = true
	case nsopt.Target:
		u.Target, ok = parseUint32(o.value)
		return ok && u.Target > 0 && u.Target <= 1<<31-1 // else the ordinary start says so
	case nsopt.SetUID:
		u.SetUID, ok = parseUint32(o.value)
		return ok
	case nsopt.SetGID:
		u.SetGID, ok = parseUint32(o.value)
		return ok
	// Given again, with a DIR or FILE either time: util-linux opens every
	// FILE in turn, and a bare one wins over them; the ordinary start does
	// that.
	case nsopt.Root:
		if u.Root && (o.given || u.RootFile != nil) {
			return false
		}
		u.Root, u.RootFile = true, fileArg(o)
	case nsopt.Wd:
		if u.Wd && (o.given || u.WdFile != nil) {
			return false
		}
		u.Wd, u.WdFile = true, fileArg(o)
	case nsopt.Wdns:
		u.Wdns = cstr(o.value)
	default:
		if o.id >= nsopt.ID(namespaces.NumTypes) {
			return false // --explain
		}
		if u.Flags&namespaces.Table[o.id].Flag != 0 && (o.given || u.Files[o.id] != nil) {
			return false
		}
		u.Flags |= namespaces.Table[o.id].Flag
		u.Files[o.id] = fileArg(o)
	}
	return true
}

// fileArg is the file an nsopt.Optional option names (nil: the target's).
func fileArg(o *opt) *byte {
	if !o.given {
		return nil
	}
	return cstr(o.value)
}

// cstr is a value from the command line as the C string it is there: the
// kernel ends each argument with a NUL.
//
//go:nocheckptr
func cstr(value string) *byte {
	return &unsafe.Slice(unsafe.StringData(value), len(value)+1)[0]
}
