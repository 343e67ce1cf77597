package mountopt

import (
	"os"
	"os/user"
	"strconv"
)

// IDOptionError is a uid or gid option without a value ("uid", "uid="):
// libmount's option fix-up (mnt_optstr_fix_uid, mnt_optstr_fix_gid)
// refuses the option string before any mount(2). Parse returns it with
// the Options otherwise complete.
type IDOptionError struct{ Option string }

func (e *IDOptionError) Error() string { return "no value for mount option " + e.Option }

// fixID is a filesystem's uid or gid option (name "uid" or "gid") as
// libmount passes it to the kernel: a user or group name becomes its
// number, useruid (usergid) the caller's real UID (GID); a number, or a
// name no one has, stays as it is.
func fixID(opt, name, value string) (string, error) {
	group := name == "gid"
	switch {
	case value == "":
		return opt, &IDOptionError{Option: opt}
	case !group && value == "useruid":
		return name + "=" + strconv.Itoa(os.Getuid()), nil
	case group && value == "usergid":
		return name + "=" + strconv.Itoa(os.Getgid()), nil
	case value[0] >= '0' && value[0] <= '9':
		return opt, nil
	}
	var id string
	if group {
		if g, err := user.LookupGroup(value); err == nil {
			id = g.Gid
		}
	} else if u, err := user.Lookup(value); err == nil {
		id = u.Uid
	}
	if id == "" {
		return opt, nil
	}
	return name + "=" + id, nil
}
