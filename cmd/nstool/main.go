// Command nstool teaches and inspects Linux mount namespaces and mount
// propagation: util-linux's findmnt, mount, umount, unshare and nsenter, a
// namespace lister, and guided labs.
package main

import (
	"os"

	"github.com/nstool/nstool/cmd/nstool/internal/root"
)

func main() {
	os.Exit(root.Main())
}
