package ls_test

import (
	"strings"
	"testing"
)

// Namespaces that no process is in but a bind mount holds open are listed
// in nstool's own view with NPROCS 0 and the path of the bind mount: in the
// caller's mount namespace as is, in another one through /proc/PID/root.
// Every other row is what lsns 2.38.1 prints (it does not know such
// namespaces), and the lsns-exact view (-l) is lsns's to the byte.
func TestBindMountHeldNamespaces(t *testing.T) {
	args := "-o NS,TYPE,NPROCS,NSFS"
	exact := []string{"-l -o NS,TYPE,NPROCS,NSFS", "-l -t net", "-l -t uts -t net -J", "-l", "-l -t uts -t ipc -o NS,TYPE,NPROCS,NSFS"}
	res := runSandbox(t, append([]string{"@@bind", args}, exact...))
	for _, a := range exact {
		if l, n := res.outputs["lsns "+a], res.outputs["nstool "+a]; l != n {
			t.Errorf("with bound namespaces, nstool ls %s differs from lsns:\n%s", a, lineDiff(l, n))
		}
	}
	net, uts := res.vars["bound-net"], res.vars["bound-uts"]
	if len(net) != 1 || len(uts) != 2 {
		t.Fatalf("sandbox did not report the bound namespaces: %v", res.vars)
	}
	ours := res.outputs["nstool "+args]
	var extra []string
	for _, line := range strings.Split(ours, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[2] == "0" {
			extra = append(extra, line)
		}
	}
	if len(extra) != 2 {
		t.Fatalf("want 2 namespaces with NPROCS 0, got %d:\n%s", len(extra), ours)
	}
	wantNet := net[0] + " net 0 " // NSFS: $DIR/netns
	wantUTS := uts[0] + " uts 0 /proc/" + uts[1] + "/root"
	found := 0
	for _, line := range extra {
		norm := strings.Join(strings.Fields(line), " ")
		switch {
		case strings.HasPrefix(norm, wantNet) && strings.HasSuffix(norm, "/netns"):
			found++
		case strings.HasPrefix(norm, wantUTS) && strings.HasSuffix(norm, "/other/uts"):
			found++
		default:
			t.Errorf("unexpected row %q (want %q... or %q...)", norm, wantNet, wantUTS)
		}
	}
	if found != 2 {
		t.Errorf("bound namespaces not both listed:\n%s", ours)
	}
	// Without those two rows, and without the path of the IPC namespace
	// bound in the other mount namespace (lsns reads its own table only),
	// the table is lsns's (the column widths differ: compare rows).
	lsnsRows := rowsOf(res.outputs["lsns -l "+args])
	var ourRows []string
	elsewhere := 0
	for _, r := range rowsOf(ours) {
		f := strings.Fields(r)
		if len(f) >= 3 && f[2] == "0" {
			continue
		}
		if len(f) == 4 && f[1] == "ipc" && strings.HasPrefix(f[3], "/proc/") && strings.HasSuffix(f[3], "/other/ipc") {
			elsewhere++
			r = strings.Join(f[:3], " ")
		}
		ourRows = append(ourRows, r)
	}
	if elsewhere != 1 {
		t.Errorf("the IPC namespace bound in another mount namespace has no /proc/PID/root path:\n%s", ours)
	}
	if strings.Join(lsnsRows, "\n") != strings.Join(ourRows, "\n") {
		t.Errorf("the other rows differ from lsns:\n%s", lineDiff(strings.Join(lsnsRows, "\n"), strings.Join(ourRows, "\n")))
	}
}

// rowsOf splits a table into rows with runs of blanks collapsed, so that
// tables with different column widths compare by content.
func rowsOf(table string) []string {
	var rows []string
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		rows = append(rows, strings.Join(strings.Fields(line), " "))
	}
	return rows
}
