package cli

import (
	"os/user"
	"strconv"
)

// Plural is one or many as n asks: "1 process", "2 processes".
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// UserName is the login name of uid (/etc/passwd, os/user), or the number
// when it has none, as util-linux prints an unknown UID.
func UserName(uid uint32) string {
	id := strconv.FormatUint(uint64(uid), 10)
	if usr, err := user.LookupId(id); err == nil {
		return usr.Username
	}
	return id
}
