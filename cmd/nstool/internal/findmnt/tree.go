package findmnt

import (
	"cmp"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/scols"
)

// index builds once what util-linux recomputes by scanning the whole
// table for every mount (which makes its tree quadratic): the table sorted
// by parent ID, then ID, then position, so that the children of a mount
// are one run of it (in ID order, the order of mounting), and sorted by ID
// then position, so that the first entry of each ID is found by a binary
// search. Two sorts of pointers instead of a map per mount: no allocation
// per entry, which on tables of 10,000+ mounts is most of the cost.
func (f *finder) index() {
	f.onPath = make([]bool, len(f.tab.entries))
	if !f.tab.isMountinfo() {
		return
	}
	f.byParent = sortedEntries(f.tab.entries, byParentThenID)
	f.byID = sortedEntries(f.tab.entries, byIDThenPosition)
	// Both are in ID order (of the parent, of the mount): one merge finds
	// where each ID's children start and end in byParent.
	f.kids = make([][2]int32, len(f.tab.entries))
	j := 0
	for _, e := range f.byID {
		for j < len(f.byParent) && f.byParent[j].Parent < e.ID {
			j++
		}
		end := j
		for end < len(f.byParent) && f.byParent[end].Parent == e.ID {
			end++
		}
		f.kids[e.index] = [2]int32{int32(j), int32(end)}
	}
}

func byIDThenPosition(a, b *fsEntry) int {
	if a.ID != b.ID {
		return cmp.Compare(a.ID, b.ID)
	}
	return cmp.Compare(a.index, b.index)
}

func byParentThenID(a, b *fsEntry) int {
	if a.Parent != b.Parent {
		return cmp.Compare(a.Parent, b.Parent)
	}
	return byIDThenPosition(a, b)
}

// sortedEntries is a sorted copy. A kernel table (6.8 and later) lists the
// mounts in the order they were made, which is mostly ID order: the check
// is cheaper than the sort.
func sortedEntries(entries []*fsEntry, order func(a, b *fsEntry) int) []*fsEntry {
	s := slices.Clone(entries)
	if !slices.IsSortedFunc(s, order) {
		slices.SortFunc(s, order)
	}
	return s
}

// entryByID is the first entry with this ID, or nil.
func (f *finder) entryByID(id int) *fsEntry {
	i, _ := slices.BinarySearchFunc(f.byID, id, func(e *fsEntry, id int) int { return cmp.Compare(e.ID, id) })
	if i < len(f.byID) && f.byID[i].ID == id {
		return f.byID[i]
	}
	return nil
}

// children are the mounts whose parent is id, in ID order; of two entries
// with one ID libmount returns the first only. The rootfs can be its own
// parent: it is not its own child.
func (f *finder) children(m *fsEntry) []*fsEntry {
	if f.kids == nil {
		return nil // no mountinfo: no tree
	}
	id := m.ID
	r := f.kids[m.index]
	run := f.byParent[r[0]:r[1]]
	clean := true
	for k, e := range run {
		if e.ID == id || k > 0 && e.ID == run[k-1].ID {
			clean = false
			break
		}
	}
	if clean {
		return run
	}
	var out []*fsEntry
	for k, e := range run {
		if e.ID != id && (k == 0 || e.ID != run[k-1].ID) {
			out = append(out, e)
		}
	}
	return out
}

// isMountinfo is libmount's is_mountinfo: the first entry is a kernel one.
func (t *mountTable) isMountinfo() bool {
	return len(t.entries) > 0 && t.entries[0].Kernel
}

// rootFS is mnt_table_get_root_fs: the entry with the smallest parent ID,
// then up through the parents that exist. A mount whose parent is not in
// the table is a root of its own (in a container, "/" has a parent from
// outside).
func (f *finder) rootFS() *fsEntry {
	if !f.tab.isMountinfo() {
		return nil
	}
	var root *fsEntry
	for _, e := range f.tab.entries {
		if root == nil || e.Parent < root.Parent {
			root = e
		}
	}
	seen := map[*fsEntry]bool{root: true}
	for {
		p := f.entryByID(root.Parent)
		if p == nil || p == root || seen[p] {
			return root
		}
		seen[p] = true
		root = p
	}
}

// createTreenode adds e (or the root when e is nil) and its submounts, as
// util-linux's create_treenode: a mount that does not match is left out
// and its children hang on the nearest shown ancestor. Returns 1 when
// there is no root.
func (f *finder) createTreenode(e *fsEntry, parent *scols.Line) int {
	first := false
	if e == nil {
		e = f.rootFS()
		if e == nil {
			return 1
		}
		parent = nil
		first = true
	} else if f.o.Submounts && f.lines[e.index] != nil {
		return 0
	}
	if f.onPath[e.index] {
		return 0 // a parent loop in a hand-made table
	}
	f.onPath[e.index] = true
	line := parent
	if f.o.Submounts || f.match(e) {
		line = f.addLine(e, parent)
	}
	for _, c := range f.children(e) {
		f.createTreenode(c, line)
	}
	f.onPath[e.index] = false
	if first && len(f.tab.entries) > f.out.Len() {
		// mounts not reachable from the root: each becomes a root
		for _, x := range f.tab.entries {
			if f.lines[x.index] == nil && f.match(x) {
				f.createTreenode(x, nil)
			}
		}
	}
	return 0
}

// addMatchingLines is the list search: every match (or, with -R, every
// match with its submounts as a tree). Returns 1 when nothing was found.
func (f *finder) addMatchingLines(submounts bool) int {
	n := 0
	it := f.newIter()
	for {
		e := f.nextFS(it)
		if e == nil {
			break
		}
		if f.tree || submounts {
			f.createTreenode(e, nil)
		} else {
			f.addLine(e, nil)
		}
		n++
		if f.o.FirstOnly {
			break
		}
		f.m.noSwap = true
	}
	if n == 0 {
		return 1
	}
	return 0
}

type iter struct {
	pos      int
	backward bool
}

func (f *finder) newIter() *iter {
	it := &iter{backward: f.o.Direction == "backward"}
	f.resetIter(it)
	return it
}

func (f *finder) resetIter(it *iter) {
	if it.backward {
		it.pos = len(f.tab.entries) - 1
	} else {
		it.pos = 0
	}
}

func (f *finder) step(it *iter) *fsEntry {
	if it.pos < 0 || it.pos >= len(f.tab.entries) {
		return nil
	}
	e := f.tab.entries[it.pos]
	if it.backward {
		it.pos--
	} else {
		it.pos++
	}
	return e
}

// nextFS is util-linux's get_next_fs: everything in list-all mode; the
// first entry by source (then target) with -f SOURCE; else the next match,
// retrying a lone positional argument as a mount point when no source
// matched.
func (f *finder) nextFS(it *iter) *fsEntry {
	if isListAll(f.o, &f.m) {
		return f.step(it)
	}
	if f.mountCompatible() {
		found := f.findSource(it, f.m.source)
		if found == nil && !f.m.noSwap {
			f.resetIter(it)
			for e := f.step(it); e != nil; e = f.step(it) {
				if f.matchTarget(e, f.m.source) {
					found = e
					break
				}
			}
		}
		return found
	}
	for {
		for e := f.step(it); e != nil; e = f.step(it) {
			if f.match(e) {
				return e
			}
		}
		if !f.m.noSwap && f.m.target == "" && f.m.source != "" {
			f.m.target, f.m.source = swapTarget(f.m.source), ""
			f.resetIter(it)
			continue
		}
		return nil
	}
}

// findSource is libmount's mnt_table_find_source, mount(8)'s lookup of
// SPEC: a tag as written in any entry, else the device it names as a
// path (findSrcpath). Each way is tried on the whole table before the next.
func (f *finder) findSource(it *iter, spec string) *fsEntry {
	name, val, ok := parseTagString(spec)
	if !ok || !isTagName(name) {
		return f.findSrcpath(it, spec)
	}
	if e := f.findEntry(it, func(e *fsEntry) bool {
		n, v := e.tag()
		return e.tagged && n == name && v == val
	}); e != nil {
		return e
	}
	if f.o.NoCanonicalize { // -C: no cache, so no tag is resolved
		return nil
	}
	if dev := f.ctx.resolveTag(name, val); dev != "" {
		return f.findSrcpath(it, dev)
	}
	return nil
}

// findSrcpath is mnt_table_find_srcpath: the source path as written, then
// made canonical, then as the device the entries' tags name, then the
// entries' own paths made canonical (not for pseudo or network ones).
func (f *finder) findSrcpath(it *iter, path string) *fsEntry {
	if path == "" {
		return nil
	}
	ntags := 0
	if e := f.findEntry(it, func(e *fsEntry) bool {
		if e.tagged {
			ntags++
		}
		return streqSrcpath(e, path)
	}); e != nil || f.o.NoCanonicalize {
		return e
	}
	cn := f.canonical(path)
	n := len(f.tab.entries)
	if ntags < n {
		if e := f.findEntry(it, func(e *fsEntry) bool { return streqSrcpath(e, cn) }); e != nil {
			return e
		}
	}
	if ntags > 0 {
		if e := f.findEntry(it, func(e *fsEntry) bool { return e.tagged && f.ctx.deviceHasTag(cn, e) }); e != nil {
			return e
		}
	}
	return f.findEntry(it, func(e *fsEntry) bool {
		src, isPath := e.srcpath()
		return !e.pseudo && !e.net && isPath && src != "" && f.canonical(src) == cn
	})
}

// findEntry is the first entry in the search's direction that ok accepts.
func (f *finder) findEntry(it *iter, ok func(*fsEntry) bool) *fsEntry {
	f.resetIter(it)
	for e := f.step(it); e != nil; e = f.step(it) {
		if ok(e) {
			return e
		}
	}
	return nil
}

// canonical is libmount's mnt_resolve_path: the real path, or the path as
// it is when it does not resolve.
func (f *finder) canonical(p string) string {
	if r := f.ctx.resolve(p); r != "" {
		return r
	}
	return p
}

// streqSrcpath is mnt_fs_streq_srcpath: paths compared as paths, the
// "source" of a pseudo filesystem as a string.
func streqSrcpath(e *fsEntry, path string) bool {
	src, isPath := e.srcpath()
	if !isPath {
		return false
	}
	if e.pseudo {
		return src == path
	}
	return streqPaths(src, path)
}

// mountCompatible is "findmnt -f SPEC": look SPEC up as mount(8) does.
func (f *finder) mountCompatible() bool {
	return f.m.source != "" && !f.m.hasFSType && !f.m.hasOptions && f.o.FirstOnly
}

// match is util-linux's match_func plus --id and -Q.
func (f *finder) match(e *fsEntry) bool {
	o, m := f.o, &f.m
	no := o.Invert
	if m.hasFSType && !matchFSType(e.FSType, m.fstype) {
		return no
	}
	if m.hasOptions && !matchOptions(e.Options, m.options) {
		return no
	}
	if m.majmin != nil && (e.Major != m.majmin[0] || e.Minor != m.majmin[1]) {
		return no
	}
	if m.target != "" && !f.matchTarget(e, m.target) {
		return no
	}
	if m.source != "" && !f.matchSource(e, m.source) {
		return no
	}
	if m.id != nil && e.ID != *m.id {
		return no
	}
	if m.uniqID != nil && e.UniqID != *m.uniqID {
		return no
	}
	if (o.DF || o.DFI) && !o.All {
		if strings.Contains(e.FSType, "tmpfs") {
			return !no
		}
		if e.pseudo {
			return no
		}
	}
	if o.Real && e.pseudo {
		return no
	}
	if o.Pseudo && !e.pseudo {
		return no
	}
	if o.Shadowed && !f.overmounted(e) {
		return no
	}
	if m.filter != nil && !m.filter.eval(func(c *column) string {
		if c.get == nil {
			return ""
		}
		return c.get(f.ctx, e)
	}) {
		return no
	}
	return !no
}

// overmounted reports whether another mount sits on e's mount point (a
// child mounted on the same path hides e).
func (f *finder) overmounted(e *fsEntry) bool {
	if f.changeTab != nil {
		return overmountedIn(f.changeTab, e)
	}
	for _, c := range f.children(e) {
		if c.Target == e.Target {
			return true
		}
	}
	return false
}

// matchTarget is mnt_fs_match_target: the same path (ignoring repeated and
// trailing slashes), or the same as the canonical form of the argument.
func (f *finder) matchTarget(e *fsEntry, target string) bool {
	if streqPaths(e.Target, target) {
		return true
	}
	if f.o.NoCanonicalize {
		return false
	}
	cn := f.ctx.resolve(target)
	if cn == "" {
		return false
	}
	if streqPaths(e.Target, cn) {
		return true
	}
	if !e.Kernel {
		if t := f.ctx.resolve(e.Target); t != "" && t == cn {
			return true
		}
	}
	return false
}

// matchSource is mnt_fs_match_source: the same device path or tag, or
// the same after resolving symlinks (not for pseudo or network
// filesystems, whose "source" is no path).
func (f *finder) matchSource(e *fsEntry, source string) bool {
	if source == noSource {
		return streqSrcpath(e, "") // "" resolves to nothing
	}
	src, isPath := e.srcpath()
	if isPath {
		if e.pseudo {
			if src == source {
				return true
			}
		} else if streqPaths(src, source) {
			return true
		}
	}
	if e.tagged && source == e.Source {
		return true
	}
	if f.o.NoCanonicalize || e.pseudo || e.net {
		return false
	}
	var cn string
	if name, val, ok := parseTagString(source); ok && isTagName(name) {
		cn = f.ctx.resolveTag(name, val)
	} else {
		cn = f.ctx.resolve(source)
	}
	if cn == "" {
		return false
	}
	if isPath {
		if streqPaths(src, cn) {
			return true
		}
		if r := f.ctx.resolve(src); r != "" && r == cn {
			return true
		}
		return false
	}
	return f.ctx.deviceHasTag(cn, e)
}

// streqPaths compares paths segment by segment, ignoring repeated and
// trailing slashes (util-linux's streq_paths).
func streqPaths(a, b string) bool {
	seg := func(s string) (string, string) {
		for len(s) > 1 && s[0] == '/' && s[1] == '/' {
			s = s[1:]
		}
		if s == "" {
			return "", ""
		}
		n := 1
		for n < len(s) && s[n] != '/' {
			n++
		}
		return s[:n], s[n:]
	}
	for {
		as, arest := seg(a)
		bs, brest := seg(b)
		if len(as)+len(bs) == 0 {
			return true
		}
		if len(as)+len(bs) == 1 && (as == "/" || bs == "/") {
			return true
		}
		if as == "" || bs == "" || as != bs {
			return false
		}
		a, b = arest, brest
	}
}

// extraTargetMatch: --target PATH that is no mount point means the mount
// that contains PATH (findmnt's enable_extra_target_match).
func (f *finder) extraTargetMatch() {
	tgt := f.m.target
	if !f.o.NoCanonicalize {
		tgt = f.ctx.resolve(tgt)
		if tgt == "" {
			return
		}
	}
	e := f.findMountpoint(tgt)
	if e != nil && e.Target != tgt {
		f.m.target = e.Target
	}
}

// findMountpoint is mnt_table_find_mountpoint: nothing when path cannot
// be stat(2)ed (AT_NO_AUTOMOUNT), else the last mount on path or on one of
// the paths left by cutting it at its last slash, as text (so "a/../b" is
// tried as "a/.." and "a": no filepath.Dir, which would collapse ".."),
// and at last the root.
func (f *finder) findMountpoint(path string) *fsEntry {
	var st unix.Stat_t
	if path == "" || unix.Fstatat(unix.AT_FDCWD, path, &st, unix.AT_NO_AUTOMOUNT) != nil {
		return nil
	}
	// libmount cuts while what is left is two bytes or more
	for p := path; ; {
		if e := f.findTarget(p); e != nil {
			return e
		}
		i := strings.LastIndexByte(p, '/')
		if i < 2 {
			break
		}
		p = p[:i]
	}
	return f.findTarget("/")
}

// findTarget is mnt_table_find_target for a mountinfo table: the last
// mount on path as written, then (a relative path) on the path made
// absolute, then, unless -C, on its canonical form.
func (f *finder) findTarget(path string) *fsEntry {
	if path == "" {
		return nil
	}
	if e := f.lastOn(path); e != nil {
		return e
	}
	if path[0] != '/' {
		if abs := absolutePath(path); abs != "" {
			if e := f.lastOn(abs); e != nil {
				return e
			}
		}
	}
	if f.o.NoCanonicalize {
		return nil
	}
	if cn := f.ctx.resolve(path); cn != "" {
		return f.lastOn(cn)
	}
	return nil
}

// lastOn is the last entry whose target is path (streq_paths).
func (f *finder) lastOn(path string) *fsEntry {
	for i := len(f.tab.entries) - 1; i >= 0; i-- {
		if streqPaths(f.tab.entries[i].Target, path) {
			return f.tab.entries[i]
		}
	}
	return nil
}

// absolutePath is util-linux's absolute_path: the working directory, a
// slash and path, with one leading "./" (or a lone ".") dropped.
func absolutePath(path string) string {
	cwd, err := unix.Getwd()
	if err != nil {
		return ""
	}
	if strings.HasPrefix(path, "./") {
		path = path[2:]
	} else if path == "." {
		path = ""
	}
	if path == "" {
		return cwd
	}
	return cwd + "/" + path
}
