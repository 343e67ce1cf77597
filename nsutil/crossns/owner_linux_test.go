package crossns

import (
	"testing"

	"github.com/nstool/nstool/nsutil/nstest"
)

// TestOwnerFromRealCgroups: processes put into cgroups named as Docker,
// Kubernetes with containerd, Podman and systemd name theirs are given those
// owners by Load. The cgroups live under nstool-test-RUN-PID (scripts/test.sh
// removes any that a killed run left) and go in t.Cleanup.
func TestOwnerFromRealCgroups(t *testing.T) {
	id := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	pod := "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0a1b2c3d_4e5f_6789_abcd_ef0123456789.slice"
	for _, c := range []struct{ path, want string }{
		{"system.slice/docker-" + id + ".scope", "docker 0123456789ab"},
		{pod + "/cri-containerd-" + id + ".scope", "kubernetes pod 0a1b2c3d-4e5f-6789-abcd-ef0123456789 (containerd 0123456789ab)"},
		{"machine.slice/libpod-" + id + ".scope", "podman 0123456789ab"},
		{"system.slice/nginx.service", "systemd nginx.service"},
	} {
		pid := sleeperIn(t, nstest.Cgroup(t, c.path))
		m, _, err := Load()
		if err != nil {
			t.Fatal(err)
		}
		ns := find(m, nstest.MountNS(t, pid))
		if ns == nil || ns.Owner != c.want {
			t.Errorf("cgroup %s: namespace %+v, want owner %q", c.path, ns, c.want)
		}
	}
}

// sleeperIn starts a sleep in a new mount namespace, inside the cgroup dir.
func sleeperIn(t *testing.T, dir string) int {
	return nstest.Sleeper(t, "unshare", "-m", "sh", "-c", "echo $$ > "+dir+"/cgroup.procs && exec sleep 1000").Process.Pid
}
