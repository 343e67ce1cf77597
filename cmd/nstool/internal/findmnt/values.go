package findmnt

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/nsutil/mountsys"
)

// runCtx is one findmnt run: options plus caches of what the columns and
// matches ask the system (statfs(2) results, resolved paths).
type runCtx struct {
	opts     *Options
	statfs   map[string]*unix.Statfs_t
	realpath map[string]string
	probed   map[string]mountsys.Superblock
	tagged   map[[2]string][]string // devices by tag (SOURCES)
	// tags is libmount's cache of tags: each LABEL and UUID a probe read
	// and each tag resolved, in that order; a tag is resolved to the first
	// device it lists.
	tags    []cachedTag
	noCache bool
}

type cachedTag struct{ name, value, dev string }

func newRunCtx(o *Options) *runCtx {
	return &runCtx{opts: o, statfs: map[string]*unix.Statfs_t{}, realpath: map[string]string{},
		probed: map[string]mountsys.Superblock{}, tagged: map[[2]string][]string{}, noCache: o.NoCanonicalize}
}

// probe is a device's superblock, read once per run.
func (c *runCtx) probe(dev string) mountsys.Superblock {
	sb, ok := c.probed[dev]
	if !ok {
		sb = mountsys.Probe(dev)
		c.probed[dev] = sb
		if sb.Label != "" {
			c.tags = append(c.tags, cachedTag{"LABEL", sb.Label, dev})
		}
		if sb.UUID != "" {
			c.tags = append(c.tags, cachedTag{"UUID", sb.UUID, dev})
		}
	}
	return sb
}

// resolveTag is the device of a tag: the first one libmount's cache
// knows with it, else what udev's links or a scan of the devices find.
func (c *runCtx) resolveTag(name, val string) string {
	for _, t := range c.tags {
		if t.name == name && t.value == val {
			return t.dev
		}
	}
	dev := lookupTag(name, val)
	if dev != "" {
		c.tags = append(c.tags, cachedTag{name, val, dev})
	}
	return dev
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
			spec = c.resolveTag(e.tag()) // "" when no device has the tag, as util-linux
		}
	}
	if e.hasRoot && !c.opts.NoFSRoot && e.Root != "/" {
		return spec + "[" + e.Root + "]"
	}
	return spec
}

// deviceHasTag is libmount's test of an fstab tag against a device: the
// device's superblock has it (no device says an ID=, a udev name only);
// or, when the device may not be read (or the tag is a partition's, which
// nstool's probe does not read), the tag resolves to the device.
func (c *runCtx) deviceHasTag(dev string, e *fsEntry) bool {
	name, val := e.tag()
	if name == "LABEL" || name == "UUID" || name == "ID" {
		if err := unix.Access(dev, unix.R_OK); err != unix.EACCES {
			sb := c.probe(dev)
			return name == "LABEL" && sb.Label == val || name == "UUID" && sb.UUID == val
		}
	}
	return c.resolveTag(name, val) == dev
}

// sources is the SOURCES column (util-linux's get_data_col_sources):
// every device that has the tag an fstab source names (with -e), or the
// UUID of the source's device, one per line, as libblkid finds them by
// reading every block device; else what SOURCE shows.
func (c *runCtx) sources(e *fsEntry) string {
	name, val := e.tag()
	switch {
	case name != "" && !c.opts.Evaluate:
		return c.source(e)
	case name == "":
		dev, ok := e.srcpath()
		if !ok || !strings.HasPrefix(dev, "/dev/") {
			return c.source(e)
		}
		name, val = "UUID", c.probe(dev).UUID
	}
	key := [2]string{name, val}
	devs, ok := c.tagged[key]
	if !ok {
		devs = mountsys.DevicesWithTag(name, val)
		c.tagged[key] = devs
	}
	if len(devs) == 0 {
		return c.source(e)
	}
	return strings.Join(devs, "\n")
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

// lookupTag finds the device of LABEL=, UUID=, PARTLABEL=, PARTUUID= or
// ID= as libblkid does: through udev's /dev/disk/by-* link, if it leads to
// a block device; else (LABEL and UUID) by reading the superblock of every
// block device.
func lookupTag(tag, val string) string {
	dir, _ := mountsys.TagDir(tag)
	if dir == "" {
		return ""
	}
	link := filepath.Join("/dev/disk", dir, encodeUdev(val))
	var st unix.Stat_t
	if unix.Stat(link, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFBLK {
		if r, err := filepath.EvalSymlinks(link); err == nil {
			return r
		}
	}
	return mountsys.FindByTag(tag, val)
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

// tag is the LABEL/UUID/PARTLABEL/PARTUUID column as util-linux's
// get_tag gives it: the tag written in an fstab source; else, for the
// source's device (a tag resolved to its device, a path made canonical;
// -C leaves both as written), the /dev/disk/by-* link that points to it
// (udev's answer, asked first), else (LABEL, UUID) what its superblock
// says, as libmount's cache reads it, which -C goes without.
func (c *runCtx) tag(e *fsEntry, name string) string {
	tag, val := e.tag()
	if tag == name {
		return val
	}
	dev := e.Source
	switch {
	case tag != "" && c.noCache:
		return ""
	case tag != "":
		dev = c.resolveTag(tag, val)
	case !c.noCache:
		if r := c.resolve(dev); r != "" {
			dev = r
		}
	}
	if dev == "" {
		return ""
	}
	if v := udevTag(dev, name); v != "" || c.noCache || name != "LABEL" && name != "UUID" {
		return v
	}
	if sb := c.probe(dev); name == "LABEL" {
		return sb.Label
	} else {
		return sb.UUID
	}
}

// udevTag is the tag of a device (/dev/...) as udev's /dev/disk/by-*
// links give it.
func udevTag(dev, name string) string {
	if !strings.HasPrefix(dev, "/dev/") {
		return ""
	}
	dir, _ := mountsys.TagDir(name)
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
