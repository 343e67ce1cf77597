package crossns

import "testing"

// /proc/PID/cgroup as each runtime leaves it (cgroup v2 "0::" lines and v1
// hierarchies), captured from their documented layouts.
func TestOwnerFromCgroupFiles(t *testing.T) {
	id := "4f1c6a0b9d2e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"
	for _, c := range []struct {
		lines []string
		want  string
	}{
		{[]string{"0::/system.slice/docker-" + id + ".scope"}, "docker 4f1c6a0b9d2e"},
		{[]string{"12:pids:/docker/" + id, "1:name=systemd:/docker/" + id}, "docker 4f1c6a0b9d2e"},
		{[]string{"0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0a1b2c3d_4e5f_6789_abcd_ef0123456789.slice/cri-containerd-" + id + ".scope"},
			"kubernetes pod 0a1b2c3d-4e5f-6789-abcd-ef0123456789 (containerd 4f1c6a0b9d2e)"},
		{[]string{"0::/kubepods/burstable/pod0a1b2c3d-4e5f-6789-abcd-ef0123456789/" + id},
			"kubernetes pod 0a1b2c3d-4e5f-6789-abcd-ef0123456789"},
		{[]string{"0::/kubepods.slice/kubepods-pod0a1b2c3d_4e5f_6789_abcd_ef0123456789.slice/crio-" + id + ".scope"},
			"kubernetes pod 0a1b2c3d-4e5f-6789-abcd-ef0123456789 (cri-o 4f1c6a0b9d2e)"},
		{[]string{"0::/machine.slice/libpod-" + id + ".scope/container"}, "podman 4f1c6a0b9d2e"},
		{[]string{"0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + id + ".scope"}, "podman 4f1c6a0b9d2e"},
		{[]string{"0::/lxc.payload.web1"}, "lxc web1"},
		{[]string{"4:memory:/lxc/web1", "0::/"}, "lxc web1"},
		{[]string{"0::/system.slice/nginx.service"}, "systemd nginx.service"},
		{[]string{"0::/user.slice/user-1000.slice/session-3.scope"}, "systemd session-3.scope"},
		{[]string{"0::/", "4:memory:/process_api/126a6962720677dadacbacde2e97a1fe"}, ""},
		{[]string{"garbage"}, ""},
	} {
		if got := Owner(c.lines); got != c.want {
			t.Errorf("Owner(%q) = %q, want %q", c.lines, got, c.want)
		}
	}
}
