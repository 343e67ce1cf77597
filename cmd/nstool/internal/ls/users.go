package ls

import (
	"os/user"
	"strconv"
)

// userNames caches UID → user name lookups (/etc/passwd, os/user); an
// unknown UID is printed as its number, as util-linux does.
type userNames map[uint32]string

func (u userNames) name(uid uint32) string {
	if n, ok := u[uid]; ok {
		return n
	}
	id := strconv.FormatUint(uint64(uid), 10)
	n := id
	if usr, err := user.LookupId(id); err == nil {
		n = usr.Username
	}
	u[uid] = n
	return n
}
