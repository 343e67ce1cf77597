package ls

import "github.com/nstool/nstool/cmd/nstool/internal/cli"

// userNames caches UID → user name lookups (cli.UserName).
type userNames map[uint32]string

func (u userNames) name(uid uint32) string {
	if n, ok := u[uid]; ok {
		return n
	}
	n := cli.UserName(uid)
	u[uid] = n
	return n
}
