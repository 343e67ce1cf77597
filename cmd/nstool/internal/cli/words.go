package cli

import (
	"os"
	"os/user"
	"strconv"
	"strings"
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

// LeftOut is the note for what the cross-namespace commands could not
// read and leave out: the namespaces of procs processes (another user's)
// and tables mount namespaces' tables ("" when nothing was left out).
// Permission denied: only root gets past it.
func LeftOut(procs, tables int) string {
	var parts []string
	if procs > 0 {
		parts = append(parts, Plural(procs, "1 process", strconv.Itoa(procs)+" processes"))
	}
	if tables > 0 {
		parts = append(parts, Plural(tables, "1 mount namespace's table", strconv.Itoa(tables)+" mount namespaces' tables"))
	}
	if len(parts) == 0 {
		return ""
	}
	s := "left out, unreadable (permission denied): " + strings.Join(parts, " and ")
	if os.Geteuid() != 0 {
		s += "; run as root to see them"
	}
	return s
}
