package findmnt

import (
	"os"
	"strings"

	"github.com/nstool/nstool/nsutil/mountinfo"
)

// utab is libmount's own record of what mount(8) knew and the kernel does
// not keep: the userspace options of a mount (x-*, user=, noauto, ...),
// one line a mount, "SRC=... TARGET=... ROOT=... OPTS=..." (util-linux
// 2.38.1's tab_update.c writes it, tab_parse.c reads it).

// utabPath is libmount's mnt_get_utab_path: $LIBMOUNT_UTAB (read as
// libmount reads its variables) or /run/mount/utab.
func utabPath() string {
	if p, ok := libmountGetenv("LIBMOUNT_UTAB"); ok {
		return p
	}
	return "/run/mount/utab"
}

// utabEntry is one utab line; a field not on the line is not "set".
type utabEntry struct {
	src, target, root, opts, attrs string
	set                            utabFields
}

type utabFields uint8

const (
	utabSrc utabFields = 1 << iota
	utabTarget
	utabRoot
	utabOpts
	utabAttrs
)

// utabKeys are the fields libmount reads, each taken once (the first).
var utabKeys = []struct {
	key   string
	field utabFields
}{{"SRC=", utabSrc}, {"TARGET=", utabTarget}, {"ROOT=", utabRoot}, {"BINDSRC=", 0}, {"OPTS=", utabOpts}, {"ATTRS=", utabAttrs}}

// parseUtabLine is libmount's mnt_parse_utab_line: KEY=value fields
// separated by spaces, values unescaped (\040), unknown keys skipped. A
// known key with an empty value makes the line unreadable (libmount's
// unmangle gives NULL, taken for ENOMEM): ok is false.
func parseUtabLine(s string) (u utabEntry, ok bool) {
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return u, true
		}
		known := false
		for _, k := range utabKeys {
			if !strings.HasPrefix(s, k.key) || k.field != 0 && u.set&k.field != 0 {
				continue
			}
			f := mountinfo.NewFields(s[len(k.key):])
			v := f.Next()
			if v == "" {
				return u, false
			}
			s, known = f.Rest(), true
			u.set |= k.field
			switch k.field {
			case utabSrc:
				u.src = v
			case utabTarget:
				u.target = v
			case utabRoot:
				u.root = v
			case utabOpts:
				u.opts = v
			case utabAttrs:
				u.attrs = v
			}
			break
		}
		if !known {
			if i := strings.IndexByte(s, ' '); i >= 0 {
				s = s[i:]
			} else {
				s = ""
			}
		}
	}
}

// readUtab reads the utab's entries; none when it is missing or empty.
func readUtab(path string) []utabEntry {
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var us []utabEntry
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSuffix(l, "\r")
		if l = strings.TrimLeft(l, " \t"); l == "" || l[0] == '#' {
			continue
		}
		if u, ok := parseUtabLine(l); ok {
			us = append(us, u)
		}
	}
	return us
}

// mergeUtab is what libmount's mnt_table_parse_mtab (-m) adds to a table
// read from mountinfo (its first entry a kernel one): each utab entry,
// from the last, gives its options to the last mount not given any yet
// with the same root, target and source path (not a tag). The options go
// at the end of OPTIONS as written, their VFS and FS parts at the end of
// VFS-OPTIONS and FS-OPTIONS, and the userspace ones are what -x lists
// (mnt_fs_append_options).
func (t *mountTable) mergeUtab(path string) {
	if len(t.entries) == 0 || !t.entries[0].Kernel || !t.entries[0].hasRoot {
		return
	}
	us := readUtab(path)
	for i := len(us) - 1; i >= 0; i-- {
		u := us[i]
		src := &fsEntry{}
		src.setSource(u.src)
		need := utabSrc | utabTarget | utabRoot
		if u.set&need != need || u.set&(utabOpts|utabAttrs) == 0 || src.tagged {
			continue
		}
		for j := len(t.entries) - 1; j >= 0; j-- {
			e := t.entries[j]
			if _, merged := t.utabUser[e]; merged || !e.hasRoot || e.Root != u.root || !streqPaths(e.Target, u.target) || !streqSrcpath(e, u.src) {
				continue
			}
			if t.utabUser == nil {
				t.utabUser = map[*fsEntry]string{}
			}
			vfs, fs := splitOptions(u.opts)
			e.VFSOptions = appendOption(e.VFSOptions, vfs)
			e.FSOptions = appendOption(e.FSOptions, fs)
			e.Options = appendOption(e.Options, u.opts)
			t.utabUser[e] = userOptions(u.opts)
			break
		}
	}
}

// appendOption is libmount's mnt_optstr_append_option of a whole list.
func appendOption(optstr, add string) string {
	switch {
	case add == "":
		return optstr
	case optstr == "":
		return add
	}
	return optstr + "," + add
}
