package findmnt_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/nstest"
)

// --kernel=listmount builds the table from listmount(2) and statmount(2)
// (Linux 6.8). The kernel's two answers must agree: each column read both
// ways, on a namespace with every propagation state, per-mount flags and
// a blank in a source; UNIQ-ID is what statx(2) says of the mount point.
func TestListmount(t *testing.T) {
	nstest.RequireRoot(t)
	base := liveTree(t)
	if r := runNstool(t, "C", []string{"--kernel=listmount", "-n", "-o", "ID", "-T", "/"}); r.rc != 0 {
		t.Skipf("no listmount(2) here (Linux 6.8 has it): %v", r)
	}
	for _, cols := range []string{"ID,PARENT,MAJ:MIN,FSROOT,TARGET,SOURCE,FSTYPE", "ID,VFS-OPTIONS", "ID,FS-OPTIONS",
		"ID,PROPAGATION,OPT-FIELDS,PEER-GROUP,MASTER", "ID,TARGET,OPTIONS"} {
		mi := runNstool(t, "C", []string{"--kernel=mountinfo", "-r", "-n", "-o", cols})
		lm := runNstool(t, "C", []string{"--kernel=listmount", "-r", "-n", "-o", cols})
		a, b := lines(mi.stdout), lines(lm.stdout)
		if cols == "ID,VFS-OPTIONS" || cols == "ID,TARGET,OPTIONS" {
			// libmount composes the per-mount options from statmount in its
			// own order, with strictatime, which mountinfo does not print
			a, b = sortedOptions(a), sortedOptions(b)
			for i := range b {
				b[i] = strings.Replace(b[i], ",strictatime", "", 1)
			}
		}
		slices.Sort(a)
		slices.Sort(b)
		if mi.rc != 0 || lm.rc != 0 || len(a) < 10 || !slices.Equal(a, b) {
			t.Errorf("-o %s: mountinfo and listmount differ:\n%s\n---\n%s", cols, strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
	}
	// the tree and -R read from listmount are mountinfo's
	for _, args := range [][]string{{"-R", base, "-o", "TARGET,SOURCE,FSTYPE,PROPAGATION"}, {"-R", base, "-J", "-o", "TARGET,PROPAGATION"},
		{"-l", "-o", "TARGET,SOURCE,FSTYPE,FS-OPTIONS"}} {
		mi := runNstool(t, "C", append([]string{"-k"}, args...))
		lm := runNstool(t, "C", append([]string{"--kernel=listmount"}, args...))
		if mi != lm {
			t.Errorf("%q: mountinfo\n%v\nlistmount\n%v", args, mi, lm)
		}
	}

	dir := filepath.Join(base, "shared")
	var stx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, dir, 0, unix.STATX_MNT_ID_UNIQUE, &stx); err != nil || stx.Mask&unix.STATX_MNT_ID_UNIQUE == 0 {
		t.Fatalf("statx %s: %v (mask %#x)", dir, err, stx.Mask)
	}
	id := strconv.FormatUint(stx.Mnt_id, 10)
	if r := runNstool(t, "C", []string{"--kernel=listmount", "-n", "-o", "UNIQ-ID", "-T", dir}); r.stdout != id+"\n" {
		t.Errorf("UNIQ-ID of %s: %v, statx says %s", dir, r, id)
	}
	if r := runNstool(t, "C", []string{"--kernel=listmount", "--uniq-id", id, "-r", "-n", "-o", "SOURCE,TARGET"}); r.rc != 0 || r.stdout != "src "+dir+"\n" {
		t.Errorf("--uniq-id %s: %v", id, r)
	}
	// mountinfo has no 64-bit IDs: the column is empty, --uniq-id finds nothing
	if r := runNstool(t, "C", []string{"-n", "-o", "UNIQ-ID", "-T", dir}); r.rc != 0 || r.stdout != "\n" {
		t.Errorf("UNIQ-ID from mountinfo: %v", r)
	}
	if r := runNstool(t, "C", []string{"--uniq-id", id}); r.rc != 1 || r.stdout != "" {
		t.Errorf("--uniq-id on mountinfo: %v", r)
	}

	for args, want := range map[string]string{
		"--kernel=sysfs":                       "findmnt: invalid --kernel argument\n",
		"--kernel=":                            "findmnt: invalid --kernel argument\n",
		"--kernel=listmount -F /etc/fstab":     "findmnt: options --kernel=listmount and --tab-file or --task can't be used together\n",
		"--kernel=listmount -N " + pidString(): "findmnt: options --kernel=listmount and --tab-file or --task can't be used together\n",
		"--uniq-id 12x":                        "findmnt: invalid uniq-id argument: '12x'\n",
	} {
		if r := runNstool(t, "C", strings.Fields(args)); r.rc != 1 || r.stderr != want {
			t.Errorf("%s: %v, want %q", args, r, want)
		}
	}
}

func pidString() string { return strconv.Itoa(os.Getpid()) }

// sortedOptions sorts the comma-separated options of each line's last
// field.
func sortedOptions(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		head, opts, _ := strings.Cut(l, " ")
		if sp := strings.LastIndexByte(opts, ' '); sp >= 0 {
			head, opts = head+" "+opts[:sp], opts[sp+1:]
		}
		o := strings.Split(opts, ",")
		slices.Sort(o)
		out[i] = head + " " + strings.Join(o, ",")
	}
	return out
}
