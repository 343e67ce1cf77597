package findmnt

import (
	"strings"

	"github.com/nstool/nstool/nsutil/mountopt"
)

// Mount option strings as libmount handles them (optstr.c): options are
// separated by commas outside double quotes; an option is name or
// name=value.

type option struct {
	name, value string
	hasValue    bool
}

func splitOptstr(s string) []option {
	var out []option
	for _, tok := range mountopt.Split(s) {
		name, val, ok := strings.Cut(tok, "=")
		out = append(out, option{name: name, value: val, hasValue: ok})
	}
	return out
}

func joinOptstr(opts []option) string {
	var b strings.Builder
	for i, o := range opts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(o.name)
		if o.hasValue {
			b.WriteByte('=')
			b.WriteString(o.value)
		}
	}
	return b.String()
}

// mergeOptions is the OPTIONS column of a mountinfo entry: the VFS and the
// filesystem options in one list, with a single leading "rw" or "ro"
// (libmount's merge_optstr). It works on the string: it runs for every
// line of tables with thousands of mounts.
func mergeOptions(vfs, fs string) string {
	if vfs == fs {
		return vfs
	}
	if m, ok := mergeKernelOptions(vfs, fs); ok {
		return m
	}
	return mergeOptionsSlow(vfs, fs)
}

// mergeKernelOptions is mergeOptions for what the kernel writes: each list
// starts with rw or ro and has no other rw/ro and no quotes. Then the
// lead is rw only if both are, and the rest follows in order; one string
// is made instead of three.
func mergeKernelOptions(vfs, fs string) (string, bool) {
	a, restA, ok1 := cutAccessMode(vfs)
	b, restB, ok2 := cutAccessMode(fs)
	if !ok1 || !ok2 || mayHoldAccessMode(restA) || mayHoldAccessMode(restB) {
		return "", false
	}
	lead := "ro"
	if a == "rw" && b == "rw" {
		lead = "rw"
	}
	var buf strings.Builder
	buf.Grow(len(lead) + len(restA) + len(restB) + 2)
	buf.WriteString(lead)
	for _, r := range [2]string{restA, restB} {
		if r != "" {
			buf.WriteByte(',')
			buf.WriteString(r)
		}
	}
	return buf.String(), true
}

// cutAccessMode splits "rw,rest" or "ro,rest" (or a lone rw/ro).
func cutAccessMode(s string) (mode, rest string, ok bool) {
	if len(s) < 2 || s[:2] != "rw" && s[:2] != "ro" {
		return "", "", false
	}
	switch {
	case len(s) == 2:
		return s, "", true
	case s[2] == ',' && len(s) > 3:
		return s[:2], s[3:], true
	}
	return "", "", false
}

// mayHoldAccessMode reports whether s has a quote, an empty option or an
// option rw or ro (with or without a value): what the shortcut leaves to
// libmount's way.
func mayHoldAccessMode(s string) bool {
	if strings.IndexByte(s, '"') >= 0 {
		return true
	}
	for s != "" {
		tok := s
		if i := strings.IndexByte(s, ','); i >= 0 {
			tok, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if tok == "" || len(tok) >= 2 && (tok[:2] == "rw" || tok[:2] == "ro") && (len(tok) == 2 || tok[2] == '=') {
			return true
		}
	}
	return false
}

// mergeOptionsSlow is libmount's merge_optstr step by step: up to two rw
// removed, then ro, and the lead put back.
func mergeOptionsSlow(vfs, fs string) string {
	p := vfs + "," + fs
	rw, ro := 0, 0
	var ok bool
	for k := 0; k < 2; k++ {
		if p, ok = removeOptionStr(p, "rw"); ok {
			rw++
		}
	}
	if rw != 2 {
		if p, ok = removeOptionStr(p, "ro"); ok {
			ro++
		}
		if ro+rw < 2 {
			if p, ok = removeOptionStr(p, "ro"); ok {
				ro++
			}
		}
	}
	lead := "rw"
	if ro > 0 {
		lead = "ro"
	}
	if p != "" {
		return lead + "," + p
	}
	return lead
}

// removeOptionStr drops the first option called name (with or without a
// value) from a comma-separated list.
func removeOptionStr(s, name string) (string, bool) {
	start, inQuote := 0, false
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			if s[i] == '"' {
				inQuote = !inQuote
				continue
			}
			if s[i] != ',' || inQuote {
				continue
			}
		}
		tok := s[start:i]
		if tok == name || (len(tok) > len(name) && tok[len(name)] == '=' && tok[:len(name)] == name) {
			switch {
			case start == 0 && i >= len(s):
				return "", true
			case start == 0:
				return s[i+1:], true
			case i >= len(s):
				return s[:start-1], true
			default:
				return s[:start] + s[i+1:], true
			}
		}
		start = i + 1
	}
	return s, false
}

// userOptionValues is libmount's userspace option map: for each option,
// whether it may have a value ("user[=]", "comment=", ...); an option that
// takes none given one ("noauto=1") is a filesystem option. "defaults"
// is in the map as no option at all; x-* and X-* are userspace options
// by their prefix.
var userOptionValues = map[string]bool{
	"auto": false, "noauto": false, "user": true, "nouser": false,
	"users": false, "nousers": false, "owner": false, "noowner": false, "group": false, "nogroup": false,
	"_netdev": false, "comment": true, "loop": true, "offset": true, "sizelimit": true,
	"encryption": true, "nofail": false, "uhelper": true, "helper": true,
	"verity.hashdevice": true, "verity.roothash": true, "verity.hashoffset": true,
	"verity.roothashfile": true, "verity.fecdevice": true, "verity.fecoffset": true,
	"verity.fecroots": true, "verity.roothashsig": true, "verity.oncorruption": true,
}

type optionClass int

const (
	fsOption optionClass = iota
	vfsOption
	userOption
	noOption // "defaults"
)

// classify is where libmount's mnt_split_optstr puts an option.
func classify(o option) optionClass {
	switch {
	case o.name == "defaults":
		return noOption
	case strings.HasPrefix(o.name, "x-") || strings.HasPrefix(o.name, "X-"):
		return userOption
	case isVFSOption(o.name):
		if o.hasValue && o.value != "" {
			return fsOption
		}
		return vfsOption
	}
	if takesValue, ok := userOptionValues[o.name]; ok {
		if o.hasValue && o.value != "" && !takesValue {
			return fsOption
		}
		return userOption
	}
	return fsOption
}

func splitOptions(all string) (vfs, fs string) {
	var v, f []option
	for _, o := range splitOptstr(all) {
		switch classify(o) {
		case vfsOption:
			v = append(v, o)
		case fsOption:
			f = append(f, o)
		}
	}
	return joinOptstr(v), joinOptstr(f)
}

// userOptions is an fstab entry's userspace options (noauto, user,
// x-systemd.*, ...), as libmount's mnt_fs_get_user_options; "defaults"
// stands for no option at all and is in none of the three lists.
func userOptions(all string) string {
	var u []option
	for _, o := range splitOptstr(all) {
		if classify(o) == userOption {
			u = append(u, o)
		}
	}
	return joinOptstr(u)
}

// matchOptions is libmount's mnt_match_options: every option of pattern
// must be in optstr ("name" or "name=value"); "noname" must not be;
// "+noname" must be, literally. An empty optstr is an entry with no
// options field (libmount's NULL: a field read is never empty), in which
// libmount's lookup of an option fails: no pattern with an option
// matches it, "noname" neither.
func matchOptions(optstr, pattern string) bool {
	opts := splitOptstr(optstr)
	for _, p := range splitOptstr(pattern) {
		if (strings.Count(p.name, `"`)+strings.Count(p.value, `"`))%2 == 1 {
			// a quote never closed: libmount's parser ends the list
			// there, without the option (x="y matches every mount)
			break
		}
		if optstr == "" {
			return false
		}
		name, no := p.name, false
		if strings.HasPrefix(name, "+") {
			name = name[1:]
		} else if strings.HasPrefix(name, "no") {
			name, no = name[2:], true
		}
		found := false
		for _, o := range opts {
			if o.name == name {
				found = p.value == "" || p.value == o.value
				break
			}
		}
		if found == no {
			return false
		}
	}
	return true
}

// matchFSType is util-linux's match_fstype: a comma list of types, all
// negated by a leading "no" ("noext3,ext4" means neither), or one by one
// ("ext4,novfat"). Type names compare case-insensitively.
func matchFSType(typ, pattern string) bool {
	no := false
	if strings.HasPrefix(pattern, "no") {
		no = true
		pattern = pattern[2:]
	}
	n := len(typ)
	p := pattern
	for {
		if strings.HasPrefix(p, "no") && len(p) >= n+2 && strings.EqualFold(p[2:2+n], typ) &&
			(len(p) == n+2 || p[n+2] == ',') {
			return false
		}
		if len(p) >= n && strings.EqualFold(p[:n], typ) && (len(p) == n || p[n] == ',') {
			return !no
		}
		i := strings.IndexByte(p, ',')
		if i < 0 {
			break
		}
		p = p[i+1:]
	}
	return no
}
