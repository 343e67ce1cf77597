package findmnt

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// runCtx is one findmnt run: options plus caches of what the columns and
// matches ask the system (statfs(2) results, resolved paths).
type runCtx struct {
	opts     *Options
	statfs   map[string]*unix.Statfs_t
	realpath map[string]string
	noCache  bool
}

func newRunCtx(o *Options) *runCtx {
	return &runCtx{opts: o, statfs: map[string]*unix.Statfs_t{}, realpath: map[string]string{}, noCache: o.NoCanonicalize}
}

// source is the SOURCE column: the device (or the tag as written), with
// the filesystem root in brackets for a bind mount of a subdirectory
// ("/dev/sda1[/srv]") unless --nofsroot.
func (c *runCtx) source(e *fsEntry) string {
	spec, ok := e.srcpath()
	if ok && c.opts.Canonicalize && spec != "" {
		if r := c.resolve(spec); r != "" {
			spec = r
		}
	}
	if !ok {
		spec = e.Source
		if c.opts.Evaluate {
			if d := resolveTag(e.tag()); d != "" {
				spec = d
			}
		}
	}
	if e.hasRoot && !c.opts.NoFSRoot && e.Root != "/" {
		return spec + "[" + e.Root + "]"
	}
	return spec
}

// resolve is realpath(3) with a cache; "" when the path does not resolve.
func (c *runCtx) resolve(p string) string {
	if r, ok := c.realpath[p]; ok {
		return r
	}
	r, err := filepath.EvalSymlinks(p)
	if err == nil {
		r, err = filepath.Abs(r)
	}
	if err != nil {
		r = ""
	}
	c.realpath[p] = r
	return r
}

// resolveTag finds the device of LABEL=, UUID=, PARTLABEL= or PARTUUID=
// through udev's /dev/disk/by-* links.
func resolveTag(tag, val string) string {
	dir := map[string]string{"LABEL": "by-label", "UUID": "by-uuid", "PARTLABEL": "by-partlabel", "PARTUUID": "by-partuuid"}[tag]
	if dir == "" {
		return ""
	}
	r, err := filepath.EvalSymlinks(filepath.Join("/dev/disk", dir, encodeUdev(val)))
	if err != nil {
		return ""
	}
	return r
}

// encodeUdev escapes a tag value as udev names its links (\x2f for '/').
func encodeUdev(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '/' || ch == '\\' || ch == ' ' {
			fmt.Fprintf(&b, "\\x%02x", ch)
		} else {
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// tag is the LABEL/UUID/PARTLABEL/PARTUUID column: the tag written in an
// fstab source, else the /dev/disk/by-* link that points to the device.
func (c *runCtx) tag(e *fsEntry, name string) string {
	if tag, val := e.tag(); tag == name {
		return val
	}
	dev, ok := e.srcpath()
	if !ok || !strings.HasPrefix(dev, "/dev/") {
		return ""
	}
	dev = c.resolve(dev)
	if dev == "" {
		return ""
	}
	dir := map[string]string{"LABEL": "by-label", "UUID": "by-uuid", "PARTLABEL": "by-partlabel", "PARTUUID": "by-partuuid"}[name]
	ents, err := os.ReadDir(filepath.Join("/dev/disk", dir))
	if err != nil {
		return ""
	}
	for _, d := range ents {
		link := filepath.Join("/dev/disk", dir, d.Name())
		if r, err := filepath.EvalSymlinks(link); err == nil && r == dev {
			return unhexmangle(d.Name())
		}
	}
	return ""
}

func unhexmangle(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if n, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// vfsAttr is SIZE, AVAIL, USED, USE% or an INO. column from statfs(2) of
// the mount point (statvfs(3) in util-linux; same numbers): sizes in
// f_frsize units, inode counts always as numbers (f_favail is f_ffree on
// Linux, statvfs(3)).
func (c *runCtx) vfsAttr(e *fsEntry, which string) string {
	st, ok := c.statfs[e.Target]
	if !ok {
		var s unix.Statfs_t
		if err := unix.Statfs(e.Target, &s); err == nil {
			st = &s
		}
		c.statfs[e.Target] = st
	}
	if st == nil {
		return ""
	}
	frsize := uint64(st.Frsize)
	if frsize == 0 {
		frsize = uint64(st.Bsize)
	}
	var v uint64
	count := false // a number of inodes, never a human size
	switch which {
	case "SIZE":
		v = frsize * st.Blocks
	case "AVAIL":
		v = frsize * st.Bavail
	case "USED":
		v = frsize * (st.Blocks - st.Bfree)
	case "USE%":
		if st.Blocks == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f%%", float64(st.Blocks-st.Bfree)/float64(st.Blocks)*100)
	case "INO.AVAIL":
		v, count = st.Ffree, true
	case "INO.TOTAL":
		v, count = st.Files, true
	case "INO.USED":
		v, count = st.Files-st.Ffree, true
	case "INO.USE%":
		if st.Files == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f%%", float64(st.Files-st.Ffree)/float64(st.Files)*100)
	}
	if v == 0 {
		return "0"
	}
	if c.opts.Bytes || count {
		return strconv.FormatUint(v, 10)
	}
	return humanSize(v)
}

// humanSize is util-linux's size_to_human_string with one-letter
// suffixes: powers of 1024, one decimal rounded half up, "1.5G", "20K".
func humanSize(bytes uint64) string {
	exp := 0
	for shft := 10; shft <= 60; shft += 10 {
		if bytes < 1<<uint(shft) {
			exp = shft - 10
			break
		}
		exp = shft
	}
	if exp > 60 {
		exp = 60
	}
	letters := "BKMGTPE"
	suffix := string(letters[exp/10])
	dec := bytes
	var frac uint64
	if exp > 0 {
		dec = bytes >> uint(exp)
		frac = bytes & (1<<uint(exp) - 1)
	}
	if frac > 0 {
		if frac >= ^uint64(0)/1000 {
			frac = ((frac / 1024) * 1000) >> uint(exp-10)
		} else {
			frac = (frac * 1000) >> uint(exp)
		}
		frac = ((frac + 50) / 100) * 10
		if frac == 100 {
			dec++
			frac = 0
		}
	}
	if frac > 0 {
		return fmt.Sprintf("%d.%d%s", dec, frac/10, suffix)
	}
	return fmt.Sprintf("%d%s", dec, suffix)
}
