package ls_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nstool/nstool/nsutil/nstest"
)

// TestOwnerColumn: a mount namespace whose process sits in a cgroup named
// as Docker names its containers' shows that container in OWNER, in the
// table and in JSON.
func TestOwnerColumn(t *testing.T) {
	nstest.RequireRoot(t)
	dir := nstest.Cgroup(t, "system.slice/docker-89abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567.scope")
	cmd := nstest.Sleeper(t, "unshare", "-m", "sh", "-c", "echo $$ > "+dir+"/cgroup.procs && exec sleep 1000")
	link, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/mnt", cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	ino := strings.TrimSuffix(strings.TrimPrefix(link, "mnt:["), "]")
	out, _, code := nstool(t, "-o", "NS,OWNER", "mnt")
	if code != 0 || !strings.Contains(out, ino+" docker 89abcdef0123\n") {
		t.Errorf("ls -o NS,OWNER mnt (exit %d) has no line %q:\n%s", code, ino+" docker 89abcdef0123", out)
	}
	out, _, _ = nstool(t, "-J", "-o", "NS,OWNER", "mnt")
	var doc struct {
		Namespaces []struct {
			NS    json.Number `json:"ns"`
			Owner *string     `json:"owner"`
		} `json:"namespaces"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	found := false
	for _, ns := range doc.Namespaces {
		if ns.NS.String() == ino {
			found = ns.Owner != nil && *ns.Owner == "docker 89abcdef0123"
		}
	}
	if !found {
		t.Errorf("ls -J: mnt:[%s] has no owner \"docker 89abcdef0123\":\n%s", ino, out)
	}
}
