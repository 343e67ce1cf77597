package ls_test

import (
	"strings"
	"testing"
)

// Namespaces that no process is in but a bind mount holds open are listed
// with NPROCS 0 and the path of the bind mount: in the caller's mount
// namespace as is, in another one through /proc/PID/root. Every other row
// is what lsns 2.38.1 prints (it does not know such namespaces).
func TestBindMountHeldNamespaces(t *testing.T) {
	args := "-l -o NS,TYPE,NPROCS,NSFS"
	res := runSandbox(t, []string{"@@bind", args})
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
	// Without those two rows, the table is lsns's (the column widths are
	// the same: the NSFS paths are not the widest cells... so compare rows).
	lsnsRows := rowsOf(res.outputs["lsns "+args])
	var ourRows []string
	for _, r := range rowsOf(ours) {
		if f := strings.Fields(r); len(f) >= 3 && f[2] == "0" {
			continue
		}
		ourRows = append(ourRows, r)
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
