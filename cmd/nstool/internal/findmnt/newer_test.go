package findmnt_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/nsutil/nstest"
)

// Options util-linux added after 2.38 (--list-columns, --hyperlink,
// --dfi, the INO.* and UNIQ-ID columns) and NSTOOL_FINDMNT_COMPAT=head.
// util-linux 2.38.1 cannot say what they print: the tests check what the
// option is for, and the bytes against util-linux HEAD's own expected
// output (tests/expected/findmnt of a util-linux tree named by
// UTIL_LINUX_SRC) when such a tree is there.

// headExpected reads util-linux's expected output NAME from the tree
// UTIL_LINUX_SRC names, if there is one.
func headExpected(t *testing.T, name string) (string, bool) {
	t.Helper()
	src := os.Getenv("UTIL_LINUX_SRC")
	if src == "" {
		t.Logf("UTIL_LINUX_SRC is unset: not compared with util-linux HEAD's %s", name)
		return "", false
	}
	b, err := os.ReadFile(filepath.Join(src, "tests/expected/findmnt", name))
	if err != nil {
		t.Fatalf("UTIL_LINUX_SRC: %v", err)
	}
	return string(b), true
}

// writeTable writes a mount table for one test.
func writeTable(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "table")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// smallTable is a mountinfo table of paths no host has, one with a blank.
const smallTable = `1 0 0:1 / /nstool-test rw - tmpfs root rw
2 1 0:2 / /nstool-test/a rw shared:1 - tmpfs a rw
3 2 0:3 / /nstool-test/a/b\040c rw - tmpfs b rw
4 1 0:4 / /nstool-test/d rw - tmpfs d rw
`

var smallTargets = []string{"/nstool-test", "/nstool-test/a", "/nstool-test/a/b c", "/nstool-test/d"}

func TestListColumns(t *testing.T) {
	plain := runNstool(t, "C", []string{"-H"})
	if plain.rc != 0 || plain.stderr != "" {
		t.Fatalf("-H: %v", plain)
	}
	var names []string
	for _, l := range strings.Split(strings.TrimSuffix(plain.stdout, "\n"), "\n") {
		f := strings.Fields(l)
		if len(f) < 3 || !strings.HasPrefix(f[1], "<") {
			t.Fatalf("-H line %q is not NAME <TYPE> DESCRIPTION", l)
		}
		names = append(names, f[0])
		// every column listed is one -o takes
		if r := runNstool(t, "C", []string{"-F", writeTable(t, smallTable), "-o", "TARGET," + f[0]}); f[0] != "ACTION" && !strings.HasPrefix(f[0], "OLD-") && r.rc != 0 {
			t.Errorf("-o %s: %v", f[0], r)
		}
	}
	// util-linux HEAD's order (TARGET first), then nstool's own columns
	want := []string{"TARGET", "ACTION", "AVAIL", "FREQ", "FSROOT", "FSTYPE", "FS-OPTIONS", "ID",
		"INO.AVAIL", "INO.TOTAL", "INO.USED", "INO.USE%", "LABEL", "MAJ:MIN", "OLD-OPTIONS", "OLD-TARGET",
		"OPTIONS", "OPT-FIELDS", "PARENT", "PARTLABEL", "PARTUUID", "PASSNO", "PROPAGATION", "SIZE",
		"SOURCE", "SOURCES", "TID", "UNIQ-ID", "USED", "USE%", "UUID", "VFS-OPTIONS",
		"PEER-GROUP", "MASTER", "PROPAGATE-FROM"}
	if !slices.Equal(names, want) {
		t.Errorf("-H lists\n%q\nwant\n%q", names, want)
	}
	if !strings.Contains(plain.stdout, "\n          SIZE <string|number> filesystem size, use <number> if --bytes is given\n") {
		t.Errorf("-H: SIZE is not right-aligned under the widest name with its two types:\n%s", plain.stdout)
	}

	// HEAD has no nstool columns; with compat=head the list is HEAD's
	t.Setenv("NSTOOL_FINDMNT_COMPAT", "head")
	head := runNstool(t, "C", []string{"--list-columns"})
	if strings.Contains(head.stdout, "PEER-GROUP") || !strings.HasPrefix(head.stdout, "     TARGET <string>        mountpoint\n") {
		t.Errorf("--list-columns with compat=head:\n%s", head.stdout)
	}
	if exp, ok := headExpected(t, "outputs-list-columns"); ok && head.stdout != exp {
		t.Errorf("--list-columns:\n%s\nutil-linux HEAD expects\n%s", head.stdout, exp)
	}

	js := runNstool(t, "C", []string{"-H", "-J"})
	var doc map[string][]map[string]string
	if err := json.Unmarshal([]byte(js.stdout), &doc); err != nil || len(doc["findmnt-columns"]) != len(want)-3 ||
		doc["findmnt-columns"][0]["holder"] != "TARGET" || doc["findmnt-columns"][0]["type"] != "<string>" {
		t.Errorf("-H -J: %v\n%s", err, js.stdout)
	}
	raw := runNstool(t, "C", []string{"-H", "-r"})
	if !strings.HasPrefix(raw.stdout, "TARGET <string> mountpoint\nACTION <string> action\\x20detected") {
		t.Errorf("-H -r:\n%s", raw.stdout)
	}
}

// --output-all is 2.38.1's unless compat=head, and then util-linux
// HEAD's: TARGET first and the newer columns, every column -H lists but
// --poll's and nstool's.
func TestOutputAllCompat(t *testing.T) {
	table := writeTable(t, smallTable)
	tools := nsexectest.Tools(t, "findmnt")
	nsexectest.Compare(t, "findmnt", tools, privateBlkid(t), "--output-all", "-F", table)
	nsexectest.Compare(t, "findmnt", tools, nsexectest.Options{Env: []string{"NSTOOL_FINDMNT_COMPAT=2.38"}}, "--output-all", "-J", "-F", table)

	t.Setenv("NSTOOL_FINDMNT_COMPAT", "head")
	r := runNstool(t, "C", []string{"--output-all", "-r", "-y", "-F", table})
	header := strings.Fields(strings.SplitN(r.stdout, "\n", 2)[0])
	list := runNstool(t, "C", []string{"-H"})
	var want []string
	for _, l := range strings.Split(strings.TrimSuffix(list.stdout, "\n"), "\n") {
		name := strings.Fields(l)[0]
		if name != "ACTION" && !strings.HasPrefix(name, "OLD-") {
			want = append(want, strings.NewReplacer("-", "_", ".", "_", "%", "_PCT", ":", "_").Replace(name))
		}
	}
	if r.rc != 0 || !slices.Equal(header, want) {
		t.Errorf("--output-all -y with compat=head: %v\nheader %q\nwant   %q", r, header, want)
	}
	if exp, ok := headExpected(t, "outputs-shell"); ok && strings.Join(header, " ")+"\n" != exp {
		t.Errorf("--shell --raw --output-all header %q, util-linux HEAD expects %q", header, exp)
	}

	t.Setenv("NSTOOL_FINDMNT_COMPAT", "2.42")
	if r := runNstool(t, "C", []string{"-F", table}); r.rc != 1 || r.stdout != "" ||
		r.stderr != "findmnt: NSTOOL_FINDMNT_COMPAT: unknown value '2.42' (2.38 or head)\n" {
		t.Errorf("a bad NSTOOL_FINDMNT_COMPAT: %v", r)
	}
}

// --hyperlink=always links each TARGET cell of human output to
// file://HOST/PATH (OSC 8), the tree drawn outside the link; nothing else
// changes, and the other formats get no links.
func TestHyperlink(t *testing.T) {
	table := writeTable(t, smallTable)
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range []string{"C", "C.UTF-8"} {
		targets := lines(runNstool(t, loc, []string{"-F", table, "-o", "TARGET"}).stdout)
		plain := lines(runNstool(t, loc, []string{"-F", table, "-o", "TARGET,SOURCE,PROPAGATION"}).stdout)
		got := runNstool(t, loc, []string{"-F", table, "-o", "TARGET,SOURCE,PROPAGATION", "--hyperlink=always"})
		if got.rc != 0 || len(targets) != len(smallTargets)+1 || len(plain) != len(targets) {
			t.Fatalf("%s: %v", loc, got)
		}
		want := []string{plain[0]}
		for i, raw := range smallTargets {
			cell := targets[i+1] // the tree art and the encoded path
			enc := cell[strings.IndexByte(cell, '/'):]
			art := strings.TrimSuffix(cell, enc)
			link := art + "\x1b]8;;file://" + host + raw + "\x1b\\" + enc + "\x1b]8;;\x1b\\"
			want = append(want, strings.Replace(plain[i+1], cell, link, 1))
		}
		if g := lines(got.stdout); !slices.Equal(g, want) {
			t.Errorf("%s --hyperlink=always:\n%q\nwant\n%q", loc, g, want)
		}
	}
	for _, args := range [][]string{{"--hyperlink=never"}, {"--hyperlink"}, {"--hyperlink=auto"}, {"--hyperlink=always", "-r"},
		{"--hyperlink=always", "-J"}, {"--hyperlink=always", "-P"}} {
		base := slices.DeleteFunc(slices.Clone(args), func(a string) bool { return strings.HasPrefix(a, "--hyperlink") })
		want := runNstool(t, "C", append([]string{"-F", table}, base...))
		if got := runNstool(t, "C", append([]string{"-F", table}, args...)); got != want {
			t.Errorf("%q (a pipe, or no human output): %v\nwant %v", args, got, want)
		}
	}
	// the five bytes util-linux's own test reads
	start := runNstool(t, "C", []string{"--all", "--noheadings", "--hyperlink=always", "-F", table}).stdout
	if !strings.HasPrefix(start, "\x1b]8;;") {
		t.Errorf("-n --hyperlink=always starts %q", start[:min(10, len(start))])
	}
	if exp, ok := headExpected(t, "outputs-hyperlink"); ok && exp != "033]8;;\n" {
		t.Errorf("util-linux HEAD now expects %q", exp)
	}
	if r := runNstool(t, "C", []string{"--hyperlink=sometimes", "-F", table}); r.rc != 1 || r.stdout != "" ||
		r.stderr != "findmnt: invalid argument of --hyperlink: sometimes\n" {
		t.Errorf("--hyperlink=sometimes: %v", r)
	}
}

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

// -I/--dfi is -D with inode counts, which are the kernel's statfs(2)
// numbers, never sizes; tmpfs is counted, other pseudo filesystems not.
func TestDFInodes(t *testing.T) {
	dir := filepath.Join(nstest.Tmpfs(t), "dfi")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	nstest.Mount(t, "nstool-dfi", dir, "tmpfs", 0, "size=1m,nr_inodes=1000")
	for _, n := range []string{"a", "b", "c"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	r := runNstool(t, "C", []string{"-I", "-r", "-n", "-T", dir})
	want := strings.Join([]string{"nstool-dfi", "tmpfs", itoa(st.Files), itoa(st.Files - st.Ffree), itoa(st.Ffree),
		itoa((100*(st.Files-st.Ffree)+st.Files/2)/st.Files) + "%", dir}, " ") + "\n"
	if r.rc != 0 || r.stdout != want || st.Files != 1000 || st.Files-st.Ffree != 4 {
		t.Errorf("-I -T %s: %v\nwant %q (statfs: %d files, %d free)", dir, r, want, st.Files, st.Ffree)
	}
	if r := runNstool(t, "C", []string{"--dfi", "-r", "-T", dir, "-b"}); !strings.HasPrefix(r.stdout, "SOURCE FSTYPE INO.TOTAL INO.USED INO.AVAIL INO.USE% TARGET\n") {
		t.Errorf("--dfi header: %v", r)
	}
	// -I lists what -D lists
	d := runNstool(t, "C", []string{"-D", "-r", "-o", "TARGET"})
	i := runNstool(t, "C", []string{"-I", "-r", "-o", "TARGET"})
	if d != i || !strings.Contains(i.stdout, dir+"\n") || strings.Contains(i.stdout, "\n/proc\n") {
		t.Errorf("-I lists\n%s\n-D lists\n%s", i.stdout, d.stdout)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// Without headings, util-linux HEAD's libsmartcols sizes each column to its
// data alone (a column with no data at all is 0 wide); 2.38.1's counts the
// header it does not print.
func TestNoHeadingsWidths(t *testing.T) {
	table := writeTable(t, smallTable)
	tools := nsexectest.Tools(t, "findmnt")
	args := []string{"-n", "-l", "-o", "FSTYPE,TARGET,LABEL,ID", "-F", table}
	old := nsexectest.Compare(t, "findmnt", tools, privateBlkid(t), args...)
	t.Setenv("NSTOOL_FINDMNT_COMPAT", "head")
	head := runNstool(t, "C", args)
	if want := "tmpfs  /nstool-test" + strings.Repeat(" ", 6+1+5+1+1) + "1\n"; !strings.HasPrefix(old.Stdout, want) {
		t.Errorf("2.38.1: %q, want it to start %q", old.Stdout, want)
	}
	// FSTYPE as wide as "tmpfs", LABEL 0 wide, ID as its width hint (2)
	if want := "tmpfs /nstool-test" + strings.Repeat(" ", 6+1+0+1+1) + "1\n"; !strings.HasPrefix(head.stdout, want) {
		t.Errorf("HEAD: %q, want it to start %q", head.stdout, want)
	}
	// with headings nothing changes
	with := []string{"-l", "-o", "FSTYPE,TARGET,LABEL,ID", "-F", table}
	if h, o := runNstool(t, "C", with), nsexectest.Compare(t, "findmnt", tools, privateBlkid(t), with...); h.stdout != o.Stdout {
		t.Errorf("with headings, HEAD %q and 2.38.1 %q", h.stdout, o.Stdout)
	}
}
