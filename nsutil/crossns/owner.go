package crossns

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Owner names who runs a process, from its cgroup paths (the lines of
// /proc/PID/cgroup, "hierarchy-ID:controllers:path"): the naming
// conventions of container runtimes and of systemd say it without asking
// any of their APIs. "" when nothing matches.
//
//	docker-ID.scope, /docker/ID                     docker ID
//	cri-containerd-ID.scope, /containerd/ID         containerd ID
//	crio-ID.scope, /crio/ID                         cri-o ID
//	libpod-ID.scope, /libpod_parent/libpod-ID       podman ID
//	kubepods…pod<UID>…                              kubernetes pod UID (and the runtime's ID)
//	lxc.payload.NAME, /lxc/NAME                     lxc NAME
//	system.slice/NAME.service, …/NAME.scope         systemd NAME.service
//
// IDs are shortened to 12 characters, as `docker ps` prints them.
func Owner(cgroupLines []string) string {
	best := ""
	for _, line := range cgroupLines {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if o := ownerOfPath(parts[2]); len(o) > len(best) {
			best = o // the most specific reading of all hierarchies
		}
	}
	return best
}

// ownerPatterns are compiled on first use: nstool does no work at start-up
// for a command that does not need it.
var ownerPatterns = sync.OnceValue(func() (p struct{ runtimeScope, runtimeDir, libpodDir, kubePod, lxcPayload, systemdUnit *regexp.Regexp }) {
	p.runtimeScope = regexp.MustCompile(`(?:^|/)(docker|cri-containerd|crio|libpod)-([0-9a-f]{12,64})\.scope(?:/|$)`)
	p.runtimeDir = regexp.MustCompile(`(?:^|/)(docker|containerd|crio)/([0-9a-f]{12,64})(?:/|$)`)
	p.libpodDir = regexp.MustCompile(`(?:^|/)libpod-([0-9a-f]{12,64})(?:/|$)`)
	p.kubePod = regexp.MustCompile(`kubepods[^/]*(?:/[^/]*)*?[/-]pod([0-9a-f_-]{36})(?:\.slice)?(?:/|$)`)
	p.lxcPayload = regexp.MustCompile(`(?:^|/)(?:lxc\.payload\.|lxc/)([^/]+)`)
	p.systemdUnit = regexp.MustCompile(`(?:^|/)([^/]+\.(?:service|scope))$`)
	return p
})

var runtimeNames = map[string]string{
	"docker": "docker", "cri-containerd": "containerd", "containerd": "containerd", "crio": "cri-o", "libpod": "podman",
}

func ownerOfPath(p string) string {
	re := ownerPatterns()
	runtimeScope, runtimeDir, libpodDir, kubePod, lxcPayload, systemdUnit :=
		re.runtimeScope, re.runtimeDir, re.libpodDir, re.kubePod, re.lxcPayload, re.systemdUnit
	container := ""
	if m := runtimeScope.FindStringSubmatch(p); m != nil {
		container = runtimeNames[m[1]] + " " + short(m[2])
	} else if m := runtimeDir.FindStringSubmatch(p); m != nil {
		container = runtimeNames[m[1]] + " " + short(m[2])
	} else if m := libpodDir.FindStringSubmatch(p); m != nil {
		container = "podman " + short(m[1])
	}
	if m := kubePod.FindStringSubmatch(p); m != nil {
		pod := "kubernetes pod " + strings.ReplaceAll(m[1], "_", "-")
		if container != "" {
			return pod + " (" + container + ")"
		}
		return pod
	}
	if container != "" {
		return container
	}
	if m := lxcPayload.FindStringSubmatch(p); m != nil {
		return "lxc " + m[1]
	}
	if m := systemdUnit.FindStringSubmatch(p); m != nil {
		return "systemd " + m[1]
	}
	return ""
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// OwnerOf is Owner for a process, from /proc/PID/cgroup ("" when it cannot
// be read or names no one).
func OwnerOf(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		return ""
	}
	return Owner(strings.Split(strings.TrimSpace(string(b)), "\n"))
}

// NamespaceOwner is the owner of the first of a namespace's processes
// that has one (its lowest PIDs: a process that joined a container's
// namespace later, nsenter's, keeps its own cgroup).
func NamespaceOwner(pids []int) string {
	for i, pid := range pids {
		if i == 8 {
			break
		}
		if o := OwnerOf(pid); o != "" {
			return o
		}
	}
	return ""
}
