package unshare

import (
	"os"
	"strconv"
	"strings"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/nsexec"
	"github.com/nstool/nstool/nsutil/spawn"
)

// runIDMaps runs newuidmap and then newgidmap (c.NewIDMapArgs) on the
// process of procDir (/proc/PID: the child that made the user namespace
// and waits at its MapIDs pause), from nstool, which is still in the
// original namespaces with the original credentials, as util-linux's
// helper child is. They find their program in $PATH (execvp(3)) and write
// to the stdout and stderr nstool has. As in util-linux: a helper that cannot
// be executed ends nstool with "failed to execute newuidmap: ...", exit
// 127 when it is not found (uidmap not installed), 126 otherwise; one
// that fails (a range /etc/subuid does not grant) ends nstool with its
// exit status, its own message said; one killed by a signal does not
// stop the rest.
func runIDMaps(c *spawn.UnshareConfig, procDir string) error {
	pid, err := strconv.Atoi(strings.TrimPrefix(procDir, "/proc/"))
	if err != nil {
		return cli.Exitf(1, "internal error: no process to map IDs for: %s", procDir)
	}
	for _, argv := range c.NewIDMapArgs(pid) {
		// spawn's execvp(3), as util-linux's helper calls it: the same
		// $PATH search, EACCES and ENOENT as the program's own exec.
		sp := &spawn.Spawn{Name: argv[0], Argv: argv, Env: os.Environ(), ExecErr: "failed to execute " + argv[0]}
		p, err := sp.Start()
		if err != nil {
			return cli.Exitf(1, "%v", err)
		}
		if err := p.Started(); err != nil {
			_, _ = p.Wait()
			return nsexec.Failure(err)
		}
		ws, err := p.Wait()
		if err != nil {
			return cli.Exitf(1, "waitpid failed: %v", err)
		}
		if ws.Exited() && ws.ExitStatus() != 0 {
			return cli.Exit(ws.ExitStatus())
		}
	}
	return nil
}
