package cli

import (
	"os"
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

// LeftOut is the note for n mount namespaces that could not be read and are
// left out of an answer: permission denied, which only root gets past (a
// process of another user; as root, one whose /proc files are locked away).
func LeftOut(n int) string {
	s := Plural(n, "1 mount namespace", strconv.Itoa(n)+" mount namespaces") + " could not be read (permission denied) and " +
		Plural(n, "is", "are") + " left out"
	if os.Geteuid() != 0 {
		s += ": run as root to see them"
	}
	return s
}
