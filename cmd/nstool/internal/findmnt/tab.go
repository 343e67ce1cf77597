package findmnt

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/nstool/nstool/nsutil/mountinfo"
	"github.com/nstool/nstool/nsutil/mountsys"
)

// This file reads mount tables as libmount (util-linux 2.38) does, so that
// findmnt's output and its "parse error at line N -- ignored" warnings are
// the same for the same file. A mountinfo line is read by
// mountinfo.ParseLineLenient (libmount's tolerance); the fstab, mtab and
// swaps formats, which only findmnt reads, are here, on the same field
// rules (mountinfo.Fields).

// fsEntry is one filesystem of a table: a mountinfo line (kernel) or an
// fstab/mtab line, which fills the Mount fields it has.
type fsEntry struct {
	mountinfo.Mount
	Options      string // VFS and FS options merged, as libmount does
	TID          int
	Freq, Passno int
	index        int    // position in the table
	UniqID       uint64 // the kernel's 64-bit mount ID (listmount tables only)

	// The flags last, side by side, without padding between them: the
	// entry is 232 bytes (findmnt allocates one per mount; the tag of an
	// fstab source is read from Source when asked rather than kept).
	Kernel      bool // from mountinfo
	hasRoot     bool // Root is known (mountinfo); "" for fstab entries
	tagged      bool // Source is NAME=value, a tag (fstab; see tag)
	pseudo, net bool
}

// srcpath is libmount's mnt_fs_get_srcpath: the source unless it is a tag.
func (f *fsEntry) srcpath() (string, bool) {
	if f.tagged {
		return "", false
	}
	return f.Source, true
}

// flags is the propagation as libmount reads the optional fields.
func (f *fsEntry) flags() mountinfo.Flags { return mountinfo.LibmountFlags(f.Optional) }

type tabFormat int

const (
	fmtGuess tabFormat = iota
	fmtMountinfo
	fmtFstab
	fmtSwaps
)

// mountTable is a parsed table plus what findmnt needs to know about it.
type mountTable struct {
	entries     []*fsEntry
	lastOptions mergedOptions // the last line's, for the next (parse)
	format      tabFormat
	slab        []fsEntry // where newEntry takes the next entry from
	// parseErrors counts the lines ignored as unparsable (--verify's
	// summary counts them, and exits 1 for them).
	parseErrors int
	// utabUser is, for -m, the userspace options a utab entry gave a
	// kernel entry (mergeUtab): an entry is in it once merged.
	utabUser map[*fsEntry]string
}

// parseWarning is one ignored line.
type parseWarning struct {
	File string
	Line int
}

// readTable parses path (a mountinfo, fstab or mtab file) and appends its
// entries to t. Bad lines are reported through warn and skipped.
func (t *mountTable) readFile(path string, warn func(parseWarning)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return errors.New("Is a directory")
	}
	tid := pathToTID(path)
	return t.parse(f, path, tid, warn)
}

// pathToTID is libmount's path_to_tid: N of /proc/N/mountinfo after
// resolving symlinks (/proc/self), else 0.
func pathToTID(path string) int {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return 0
	}
	dir := filepath.Base(filepath.Dir(real))
	n, err := strconv.Atoi(dir)
	if err != nil || n < 0 || strings.HasPrefix(dir, "+") {
		return 0
	}
	return n
}

func (t *mountTable) parse(r io.Reader, name string, tid int, warn func(parseWarning)) error {
	lines := mountinfo.NewLines(r)
	for lines.Scan() {
		text := lines.Text()
		if strings.IndexByte(text, 0) >= 0 {
			// libmount looks for the newline of a line as a C string: a
			// NUL before it hides it, and a line without one is an error
			// (the last line of a file without one, cut at the NUL,
			// would not be: nstool cannot tell it from the others)
			t.parseErrors++
			warn(parseWarning{File: name, Line: lines.Number()})
			continue
		}
		f := mountinfo.NewFields(text)
		f.SkipBlanks()
		s := f.Rest()
		if s == "" || s[0] == '#' {
			continue
		}
		if t.format == fmtGuess {
			t.format = guessFormat(s)
			if t.format == fmtSwaps {
				continue
			}
		}
		var e *fsEntry
		var ok bool
		switch t.format {
		case fmtMountinfo:
			e = t.newEntry()
			if ok = parseMountinfoLine(s, e, &t.lastOptions); ok {
				e.TID = tid
			} else {
				t.slab = t.slab[:len(t.slab)-1] // the next line takes it
			}
		case fmtSwaps:
			if strings.HasPrefix(s, "Filename\t") {
				continue
			}
			e, ok = parseSwapsLine(s)
		default:
			e, ok = parseFstabLine(s)
		}
		if !ok {
			t.parseErrors++
			warn(parseWarning{File: name, Line: lines.Number()})
			continue
		}
		e.index = len(t.entries)
		if len(t.entries) == cap(t.entries) {
			// doubling: append grows a long list by a quarter
			t.entries = slices.Grow(t.entries, max(len(t.entries), 1+lines.Buffered()))
		}
		t.entries = append(t.entries, e)
	}
	return lines.Err()
}

// readListmount fills t from listmount(2) and statmount(2)
// (--kernel=listmount): kernel entries, as mountinfo's lines would be.
func (t *mountTable) readListmount() error {
	mounts, err := mountinfo.List()
	if err != nil {
		return err
	}
	for _, l := range mounts {
		e := &fsEntry{Mount: l.Mount, Kernel: true, hasRoot: true, UniqID: l.UniqID}
		e.setFSType(e.FSType)
		e.Options = mergeOptions(e.VFSOptions, e.FSOptions)
		e.index = len(t.entries)
		t.entries = append(t.entries, e)
	}
	return nil
}

// guessFormat: a line that starts with two numbers is mountinfo, a swaps
// header is swaps, anything else fstab (or mtab, /proc/mounts).
func guessFormat(s string) tabFormat {
	switch {
	case mountinfo.IsMountinfoLine(s):
		return fmtMountinfo
	case strings.HasPrefix(s, "Filename\t"):
		return fmtSwaps
	}
	return fmtFstab
}

// parseMountinfoLine reads a kernel entry into e (zero): the line as
// libmount reads it.
func parseMountinfoLine(s string, e *fsEntry, last *mergedOptions) bool {
	e.Kernel, e.hasRoot = true, true
	if !mountinfo.ParseLineLenient(s, &e.Mount) {
		*e = fsEntry{}
		return false
	}
	e.setFSType(e.FSType)
	e.Options = last.merge(e.VFSOptions, e.FSOptions)
	return true
}

// mergedOptions is the last mergeOptions of a table's lines, kept: the
// mounts of a big table mostly have the options of the line before (16,000
// binds of one tmpfs, a host's hundreds of container mounts), and one
// string then serves them all instead of one made for each.
type mergedOptions struct{ vfs, fs, merged string }

func (m *mergedOptions) merge(vfs, fs string) string {
	if vfs != m.vfs || fs != m.fs || m.merged == "" {
		*m = mergedOptions{vfs, fs, mergeOptions(vfs, fs)}
	}
	return m.merged
}

// newEntry is a zero entry from the table's slab: one allocation per 256
// mounts rather than one per mount.
func (t *mountTable) newEntry() *fsEntry {
	if len(t.slab) == cap(t.slab) {
		t.slab = make([]fsEntry, 0, 256)
	}
	t.slab = t.slab[:len(t.slab)+1]
	return &t.slab[len(t.slab)-1]
}

// parseFstabLine follows libmount's fstab/mtab parser (fstab(5)): source,
// target and type, which must be there (a line with fewer fields is a
// parse error), then optional options, freq and passno.
func parseFstabLine(s string) (*fsEntry, bool) {
	e := &fsEntry{}
	f := mountinfo.NewFields(s)
	e.setSource(f.Next())
	f.SkipBlanks()
	e.Target = f.Next()
	f.SkipBlanks()
	e.setFSType(f.Next())
	if e.Source == "" || e.Target == "" || e.FSType == "" {
		return nil, false
	}
	f.SkipBlanks()
	if f.Empty() {
		// libmount's unmangle of an empty field still gives ""; the
		// options stay unset
		return e, true
	}
	e.Options = f.Next()
	e.VFSOptions, e.FSOptions = splitOptions(e.Options)
	f.SkipBlanks()
	if f.Empty() {
		return e, true
	}
	var ok bool
	// A number that overflows at the end of the line passes as 0.
	if e.Freq, ok, _ = f.Int32(); !ok && !f.Empty() {
		return nil, false
	}
	f.SkipBlanks()
	if f.Empty() {
		return e, true
	}
	if e.Passno, ok, _ = f.Int32(); !ok && !f.Empty() {
		return nil, false
	}
	return e, true
}

// parseSwapsLine reads a /proc/swaps line: source, type, size, used, prio.
func parseSwapsLine(s string) (*fsEntry, bool) {
	e := &fsEntry{}
	f := mountinfo.NewFields(s)
	e.Source = f.Next()
	f.SkipBlanks()
	if typ := f.Next(); e.Source == "" || typ == "" {
		return nil, false
	}
	e.setFSType("swap")
	return e, true
}

func (e *fsEntry) setFSType(t string) {
	e.FSType = t
	e.pseudo = isPseudoFS(t)
	e.net = !e.pseudo && isNetFS(t)
}

// setSource records whether an fstab source is a NAME=value tag (LABEL=,
// UUID=, PARTLABEL=, PARTUUID=) so that matching works on it.
func (e *fsEntry) setSource(s string) {
	e.Source = s
	name, _, ok := parseTagString(s)
	e.tagged = ok && isTagName(name)
}

// tag is the tag an fstab source names, its value unquoted
// (LABEL="my disk"), or "", "" when the source is no tag.
func (e *fsEntry) tag() (name, val string) {
	if !e.tagged {
		return "", ""
	}
	name, val, _ = parseTagString(e.Source)
	return name, val
}

// parseTagString is libblkid's blkid_parse_tag_string: NAME=value, the
// value unquoted up to its last quote when it starts with one (LABEL="my
// disk"); not a tag when there is no '=', no closing quote, or no value
// (LABEL= and LABEL="" are paths to libmount).
func parseTagString(s string) (name, val string, ok bool) {
	name, val, ok = strings.Cut(s, "=")
	if !ok {
		return "", "", false
	}
	if val != "" && (val[0] == '"' || val[0] == '\'') {
		end := strings.LastIndexByte(val[1:], val[0])
		if end < 0 {
			return "", "", false
		}
		val = val[1 : 1+end]
	}
	if val == "" {
		return "", "", false
	}
	return name, val, true
}

// isTagName is libmount's mnt_valid_tagname: ID (a /dev/disk/by-id name,
// which libblkid finds through udev only) and the four tag columns.
func isTagName(name string) bool {
	_, ok := mountsys.TagDir(name)
	return ok
}

// pseudoFS is libmount's list of pseudo filesystems (utils.c).
var pseudoFS = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`anon_inodefs apparmorfs autofs bdev binder binfmt_misc bpf
		cgroup cgroup2 configfs cpuset debugfs devfs devpts devtmpfs dlmfs dmabuf drm efivarfs
		fuse fuse.archivemount fuse.avfsd fuse.dumpfs fuse.encfs fuse.gvfs-fuse-daemon
		fuse.gvfsd-fuse fuse.lxcfs fuse.rofiles-fuse fuse.vmware-vmblock fuse.xwmfs fusectl
		hugetlbfs ipathfs mqueue nfsd none nsfs overlay pipefs proc pstore ramfs resctrl rootfs
		rpc_pipefs securityfs selinuxfs smackfs sockfs spufs sysfs tmpfs tracefs vboxsf virtiofs`) {
		pseudoFS[t] = true
	}
}

func isPseudoFS(t string) bool { return pseudoFS[t] }

func isNetFS(t string) bool {
	switch t {
	case "cifs", "smb3", "smbfs", "afs", "ncpfs", "glusterfs", "fuse.curlftpfs", "fuse.sshfs":
		return true
	}
	return strings.HasPrefix(t, "nfs") || strings.HasPrefix(t, "9p")
}
