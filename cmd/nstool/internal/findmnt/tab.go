package findmnt

import (
	"bufio"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// This file reads mount tables as libmount (util-linux 2.38) does, so that
// findmnt's output and its "parse error at line N -- ignored" warnings are
// the same for the same file. mountinfo.Parse is stricter (it
// rejects malformed optional fields that libmount keeps) and knows no fstab
// format, and findmnt must accept exactly what util-linux accepts.

// fsEntry is one filesystem of a table: a mountinfo line (kernel) or an
// fstab/mtab line.
type fsEntry struct {
	ID, Parent   int
	Major, Minor uint32
	Root         string // "" for fstab entries (no root known)
	hasRoot      bool
	Target       string
	VFSOptions   string
	FSOptions    string
	Options      string // VFS and FS options merged, as libmount does
	OptFields    string // raw optional fields ("shared:1 master:2")
	FSType       string
	Source       string
	Tag, TagVal  string // Source as NAME=value when it is a tag (fstab)
	Kernel       bool   // from mountinfo
	TID          int
	Freq, Passno int

	pseudo, net bool
	index       int // position in the table
}

// srcpath is libmount's mnt_fs_get_srcpath: the source unless it is a tag.
func (f *fsEntry) srcpath() (string, bool) {
	if f.Tag != "" {
		return "", false
	}
	return f.Source, true
}

// propagation flags from the optional fields: libmount looks for the
// substrings, so does this.
func (f *fsEntry) shared() bool     { return strings.Contains(f.OptFields, "shared:") }
func (f *fsEntry) slave() bool      { return strings.Contains(f.OptFields, "master:") }
func (f *fsEntry) unbindable() bool { return strings.Contains(f.OptFields, "unbindable") }

// optField returns N of "tag:N" in the optional fields, or "".
func (f *fsEntry) optField(tag string) string {
	for _, fld := range strings.Fields(f.OptFields) {
		if v, ok := strings.CutPrefix(fld, tag+":"); ok {
			return v
		}
	}
	return ""
}

type tabFormat int

const (
	fmtGuess tabFormat = iota
	fmtMountinfo
	fmtFstab
	fmtSwaps
)

// mountTable is a parsed table plus what findmnt needs to know about it.
type mountTable struct {
	entries []*fsEntry
	format  tabFormat
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
	br := bufio.NewReaderSize(r, 256*1024)
	lineNo := 0
	for {
		line, err := br.ReadString('\n')
		if line == "" && err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		lineNo++
		line = strings.TrimSuffix(line, "\n")
		line = strings.TrimSuffix(line, "\r")
		s := skipSep(line)
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
			e, ok = parseMountinfoLine(s)
			if ok {
				e.TID = tid
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
			warn(parseWarning{File: name, Line: lineNo})
			continue
		}
		e.index = len(t.entries)
		t.entries = append(t.entries, e)
	}
}

// guessFormat: two numbers first is mountinfo, a swaps header is swaps,
// anything else fstab (or mtab, /proc/mounts).
func guessFormat(s string) tabFormat {
	rest, ok := scanUint(s)
	if ok {
		rest = skipSpace(rest)
		if _, ok2 := scanUint(rest); ok2 {
			return fmtMountinfo
		}
	}
	if strings.HasPrefix(s, "Filename\t") {
		return fmtSwaps
	}
	return fmtFstab
}

// scanUint is sscanf's %u: blanks, an optional sign, digits.
func scanUint(s string) (string, bool) {
	s = skipSpace(s)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[i:], i > 0
}

func skipSep(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return s[i:]
}

// skipSpace skips what isspace(3) calls space, as strtol and sscanf do.
func skipSpace(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	return s[i:]
}

// token splits off the next field (up to a space or tab) and decodes its
// \NNN octal escapes (libmount's unmangle).
func token(s string) (string, string) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		i = len(s)
	}
	return unmangle(s[:i]), s[i:]
}

func unmangle(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && len(s)-i > 3 && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// nextS32 is libmount's next_s32: strtol, then the number must end at a
// blank or the end of the line.
func nextS32(s string) (int, string, bool) {
	p := skipSpace(s)
	i := 0
	if i < len(p) && (p[i] == '+' || p[i] == '-') {
		i++
	}
	j := i
	for j < len(p) && p[j] >= '0' && p[j] <= '9' {
		j++
	}
	if j == i {
		return 0, s, false
	}
	n, err := strconv.ParseInt(p[:j], 10, 64)
	rest := p[j:]
	if err != nil || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return 0, rest, false
	}
	return int(int32(n)), rest, true
}

// parseMountinfoLine follows libmount's mountinfo parser (proc(5)).
func parseMountinfoLine(s string) (*fsEntry, bool) {
	e := &fsEntry{Kernel: true, hasRoot: true}
	var ok bool
	if e.ID, s, ok = nextS32(s); !ok || s == "" {
		return nil, false
	}
	s = skipSep(s)
	if e.Parent, s, ok = nextS32(s); !ok || s == "" {
		return nil, false
	}
	s = skipSep(s)
	maj, min, ok := scanMajMin(s)
	if !ok {
		return nil, false
	}
	e.Major, e.Minor = maj, min
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		s = s[i:]
	} else {
		s = ""
	}
	s = skipSep(s)
	e.Root, s = token(s)
	s = skipSep(s)
	e.Target, s = token(s)
	s = skipSep(s)
	e.VFSOptions, s = token(s)
	p := strings.Index(s, " - ")
	if p < 0 {
		return nil, false
	}
	if p > 1 {
		e.OptFields = s[1:p]
	}
	s = skipSep(s[p+3:])
	e.FSType, s = token(s)
	if s == "" {
		return nil, false
	}
	if len(s) >= 2 && s[0] == ' ' && s[1] == ' ' {
		e.Source = ""
	} else {
		s = skipSep(s)
		e.Source, s = token(s)
	}
	s = skipSep(s)
	e.FSOptions, _ = token(s)
	e.setFSType(e.FSType)
	e.Options = mergeOptions(e.VFSOptions, e.FSOptions)
	return e, true
}

// scanMajMin is sscanf("%u:%u").
func scanMajMin(s string) (uint32, uint32, bool) {
	a, rest, ok := scanU32(s)
	if !ok || rest == "" || rest[0] != ':' {
		return 0, 0, false
	}
	b, _, ok := scanU32(rest[1:])
	return a, b, ok
}

func scanU32(s string) (uint32, string, bool) {
	s = skipSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, s, false
	}
	n, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil || n > math.MaxUint32 {
		n = math.MaxUint32
	}
	v := uint32(n)
	if neg {
		v = -v
	}
	return v, s[i:], true
}

// parseFstabLine follows libmount's fstab/mtab parser (fstab(5)): source,
// target, type, then optional options, freq and passno.
func parseFstabLine(s string) (*fsEntry, bool) {
	e := &fsEntry{}
	e.Source, s = token(s)
	e.setSource(e.Source)
	s = skipSep(s)
	e.Target, s = token(s)
	s = skipSep(s)
	var fstype string
	fstype, s = token(s)
	e.setFSType(fstype)
	s = skipSep(s)
	if s == "" {
		// libmount's unmangle of an empty field still gives ""; the
		// options stay unset
		return e, true
	}
	e.Options, s = token(s)
	e.VFSOptions, e.FSOptions = splitOptions(e.Options)
	s = skipSep(s)
	if s == "" {
		return e, true
	}
	var ok bool
	e.Freq, s, ok = nextS32(s)
	if s != "" && !ok {
		return nil, false
	}
	s = skipSep(s)
	if s == "" {
		return e, true
	}
	e.Passno, s, ok = nextS32(s)
	if s != "" && !ok {
		return nil, false
	}
	return e, true
}

// parseSwapsLine reads a /proc/swaps line: source, type, size, used, prio.
func parseSwapsLine(s string) (*fsEntry, bool) {
	e := &fsEntry{}
	e.Source, s = token(s)
	s = skipSep(s)
	var typ string
	typ, _ = token(s)
	if e.Source == "" || typ == "" {
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

// setSource records a NAME=value tag (fstab's LABEL=, UUID=, PARTLABEL=,
// PARTUUID=) so that matching works on it.
func (e *fsEntry) setSource(s string) {
	e.Source = s
	e.Tag, e.TagVal = "", ""
	name, val, ok := strings.Cut(s, "=")
	if !ok {
		return
	}
	switch name {
	case "LABEL", "UUID", "PARTLABEL", "PARTUUID":
		if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0] {
			val = val[1 : len(val)-1]
		}
		e.Tag, e.TagVal = name, val
	}
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
