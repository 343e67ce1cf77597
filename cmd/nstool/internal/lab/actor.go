package lab

import (
	"github.com/spf13/cobra"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/labs"
)

func newActorCmd(ios *cli.IOStreams) *cobra.Command {
	var a labs.Actor
	var volumes []string
	cmd := &cobra.Command{
		Use:   "actor NAME",
		Short: "Start a named actor (for a lab's setup)",
		Long: `Start a named actor inside the lab sandbox: a long-lived process in a new
mount namespace copied from the caller's, made as a container runtime makes a
container, one option each. Checks and ` + "`nstool lab shell NAME`" + ` refer to it
by name. It lives until the sandbox ends.

--propagation is applied to every mount of the copy (unshare(1) --propagation).
--pid and --uts add a PID namespace (the actor is its PID 1) and a UTS
namespace whose hostname is NAME. --rootfs DIR makes DIR its root as runc
does: DIR bound on itself and made private, pivot_root(2), a fresh /proc, the
old root made a slave and detached.

--volume SRC:DST[:MODE] binds SRC onto DST (under the rootfs, if any) as
docker run -v does: a recursive bind, then MODE's propagation change on it.
MODE is one of Docker's private, rprivate (the default), slave, rslave, shared,
rshared; Kubernetes' mountPropagation None, HostToContainer and Bidirectional
are rprivate, rslave and rshared. As Docker's daemon does, a shared mode is
refused unless SRC's mount is shared, and a slave mode unless it is shared or
a slave, in the caller's mount table; and a shared (slave) volume makes the
copy's / shared (rslave) if --propagation would cut the source off.`,
		Example: `  nstool lab actor container-a --propagation slave
  nstool lab actor rootless-c --user --propagation unchanged
  nstool lab actor web --pid --uts --volume /lab/vol:/data:rslave
  nstool lab actor box --pid --uts --rootfs /lab/rootfs --volume /lab/vol:/data:rshared`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a.Name = args[0]
			for _, spec := range volumes {
				v, err := labs.ParseVolume(spec)
				if err != nil {
					return cli.Exitf(1, "%v", err)
				}
				a.Volumes = append(a.Volumes, v)
			}
			if err := labs.StartActor(stages, a); err != nil {
				return cli.Exitf(1, "%v", err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&a.Propagation, "propagation", "private", "private, slave, shared or unchanged")
	f.BoolVar(&a.User, "user", false, "also a new user namespace (its copies of the mounts are locked)")
	f.BoolVar(&a.PID, "pid", false, "also a new PID namespace, the actor its PID 1")
	f.BoolVar(&a.UTS, "uts", false, "also a new UTS namespace, its hostname NAME")
	f.StringVar(&a.Rootfs, "rootfs", "", "pivot_root into `DIR`, with a fresh /proc, the old root detached")
	f.StringArrayVar(&volumes, "volume", nil, "bind `SRC:DST[:MODE]` as docker run -v (MODE: "+labs.VolumeModes+")")
	return cmd
}

// newActorStageCmd is the actor's own process (stages.Actor builds its
// command line). It returns only on failure, which it reported to the
// `lab actor` that started it.
func newActorStageCmd() *cobra.Command {
	var a labs.ActorStage
	var volumes []string
	cmd := &cobra.Command{
		Use: verbActor + " NAME ROOT", Hidden: true, Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a.Name, a.Root = args[0], args[1]
			for _, spec := range volumes {
				v, err := labs.ParseVolume(spec)
				if err != nil {
					return cli.Exit(1)
				}
				a.Volumes = append(a.Volumes, v)
			}
			if err := labs.ActorMain(a); err != nil && !labs.InSandbox() {
				// Typed by hand on the host: say why (in a sandbox, the
				// stage told lab actor, which says it).
				return cli.Exitf(1, "%v", err)
			}
			return cli.Exit(1)
		},
	}
	cmd.Flags().BoolVar(&a.Hostname, flagActorHostname, false, "")
	cmd.Flags().StringVar(&a.Rootfs, flagActorRootfs, "", "")
	cmd.Flags().StringArrayVar(&volumes, flagActorVolume, nil, "")
	return cmd
}
