package findmnt

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil/mountsys"
)

// verifier is one findmnt -x/--verify run: it checks each entry of a table
// (fstab by default) as util-linux's findmnt-verify.c does and prints
// what it finds under the entry's target:
//
//	/srv
//	   [W] unreachable source: /dev/sdb1: No such file or directory
//
// [E] is an error, [W] a warning, [ ] a passed check (--verbose only).
// The exit status is 1 when there were errors or parse errors; warnings
// alone exit 0. The on-disk type comes from nstool's superblock probe
// (mountsys.ProbeFSType), tags from udev's /dev/disk/by-* links, where
// util-linux asks libblkid.
type verifier struct {
	f   *finder
	out *bufio.Writer

	e             *fsEntry // the entry being checked
	targetPrinted bool
	noFsck        bool // xfs and btrfs need no fsck pass
	nerrors       int
	nwarnings     int
	kernelFS      []string // /proc/filesystems and the modules under kernel/fs/
}

func (f *finder) verify() error {
	// stdout is buffered as stdio buffers it (BUFSIZ, or lines on a
	// terminal), so that with 2>&1 the report and the summary on stderr
	// come in util-linux's order.
	v := &verifier{f: f, out: bufio.NewWriterSize(f.o.IO.Out, 4096), kernelFS: kernelFilesystems()}
	checkOrder := isListAll(f.o, &f.m)
	it := &iter{} // forward, whatever -d says
	for e := f.nextFS(it); e != nil; e = f.nextFS(it) {
		v.e, v.targetPrinted, v.noFsck = e, false, false
		if checkOrder {
			v.order()
		}
		v.filesystem()
		if f.o.FirstOnly {
			break
		}
		f.m.noSwap = true
	}
	v.e = nil
	v.systemdReload()
	tty := f.o.IO.IsStdoutTTY()
	if tty {
		v.out.Flush()
	}
	parseErrors := f.tab.parseErrors
	if v.nerrors > 0 || parseErrors > 0 || v.nwarnings > 0 {
		fmt.Fprintf(f.o.IO.ErrOut, "\n%s, %s, %s\n", plural(parseErrors, "parse error"),
			plural(v.nerrors, "error"), plural(v.nwarnings, "warning"))
	} else {
		v.out.WriteString("Success, no errors or warnings detected\n")
	}
	if err := v.out.Flush(); err != nil {
		return writeError(err)
	}
	if v.nerrors+parseErrors > 0 {
		return cli.Exit(1)
	}
	return nil
}

// plural is "1 error", "0 errors", "2 errors" (ngettext's English).
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func (v *verifier) mesg(kind byte, format string, args ...any) {
	if v.f.o.IO.IsStdoutTTY() {
		defer v.out.Flush() // line buffered
	}
	if !v.targetPrinted && v.e != nil {
		v.out.WriteString(v.e.Target)
		v.out.WriteByte('\n')
		v.targetPrinted = true
	}
	fmt.Fprintf(v.out, "   [%c] ", kind)
	fmt.Fprintf(v.out, format, args...)
	v.out.WriteByte('\n')
}

func (v *verifier) warn(format string, args ...any) {
	v.nwarnings++
	v.mesg('W', format, args...)
}

func (v *verifier) err(format string, args ...any) {
	v.nerrors++
	v.mesg('E', format, args...)
}

func (v *verifier) ok(format string, args ...any) {
	if v.f.o.Verbose {
		v.mesg(' ', format, args...)
	}
}

// canonical is libmount's mnt_resolve_target: the real path, or the path
// as written when it does not resolve; -C keeps it as written.
func (v *verifier) canonical(path string) string {
	if v.f.o.NoCanonicalize {
		return path
	}
	if r := v.f.ctx.resolve(path); r != "" {
		return r
	}
	return path
}

// order warns about a target listed again later, and refuses a target
// listed before the mount point it lies under (/boot/efi before /boot:
// mounting in file order would hide it).
func (v *verifier) order() {
	tgt := v.canonical(v.e.Target)
	for _, next := range v.f.tab.entries[v.e.index+1:] {
		n := v.canonical(next.Target)
		if !strings.HasPrefix(tgt, n) {
			continue
		}
		switch rest := tgt[len(n):]; {
		case rest == "":
			v.warn("target specified more than once")
		case rest[0] == '/':
			v.err("wrong order: %s specified before %s", tgt, n)
		}
	}
}

func (v *verifier) filesystem() {
	if v.e.FSType == "swap" {
		v.swaparea()
	} else {
		v.target()
		v.options()
	}
	v.source()
	v.fstype()
	v.passno()
}

// option is mnt_fs_get_option: whether the entry has the option, and its
// value (has is false for "name" without "=").
func (e *fsEntry) option(name string) (value string, hasValue, found bool) {
	for _, o := range splitOptstr(e.Options) {
		if o.name == name {
			return o.value, o.hasValue, true
		}
	}
	return "", false, false
}

func (e *fsEntry) hasOption(name string) bool {
	_, _, found := e.option(name)
	return found
}

func (v *verifier) target() {
	tgt := v.e.Target
	if cn := v.canonical(tgt); cn != tgt {
		v.warn("non-canonical target path (real: %s)", cn)
		tgt = cn
	}
	st, err := os.Stat(tgt)
	switch {
	case err != nil && !v.e.hasOption("noauto"):
		v.err("unreachable on boot required target: %s", cli.Strerror(err))
	case err != nil:
		v.warn("unreachable target: %s", cli.Strerror(err))
	case !st.IsDir() && !v.e.hasOption("bind"):
		v.err("target is not a directory")
	default:
		v.ok("target exists")
	}
}

func (v *verifier) options() {
	vfs, fs, user := v.e.VFSOptions, v.e.FSOptions, v.f.tab.utabUser[v.e]
	if !v.e.Kernel {
		user = userOptions(v.e.Options)
	}
	if vfs != "" {
		v.ok("VFS options: %s", vfs)
	}
	if fs != "" {
		v.ok("FS options: %s", fs)
	}
	if user != "" {
		v.ok("userspace options: %s", user)
	}
}

// swaparea checks swapon(8)'s options: discard=once|pages (libmount takes
// any prefix of those words) and a numeric pri=.
func (v *verifier) swaparea() {
	if val, has, _ := v.e.option("discard"); has && !strings.HasPrefix("once", val) && !strings.HasPrefix("pages", val) {
		v.err("unsupported swaparea discard policy: %s", val)
	}
	if val, has, _ := v.e.option("pri"); has {
		for _, c := range []byte(strings.TrimPrefix(val, "-")) {
			if c < '0' || c > '9' {
				v.err("failed to parse swaparea priority option")
				break
			}
		}
	}
}

// source checks the device: a tag must name one (it is needed to mount
// at all); a path should be a block device unless the mount is a bind.
// Pseudo and network filesystems' sources are no paths and pass.
func (v *verifier) source() {
	src, isPath := v.e.srcpath()
	if !isPath {
		if src = v.tag(v.e.tag()); src == "" {
			return
		}
	} else if isTagString(src) {
		if _, err := os.Stat(src); err != nil {
			v.err("unsupported source tag: %s", src)
			return
		}
	}
	bind := v.e.hasOption("bind")
	if v.e.pseudo || v.e.net {
		v.ok("do not check %s source (pseudo/net)", src)
		return
	}
	st, err := os.Stat(src)
	switch {
	case err != nil:
		v.warn("unreachable source: %s: %s", src, cli.Strerror(err))
	case bind:
		v.ok("source %s exists", src)
	case st.IsDir() || st.Mode().IsRegular():
		v.warn("non-bind mount source %s is a directory or regular file", src)
	case st.Mode()&os.ModeDevice == 0 || st.Mode()&os.ModeCharDevice != 0:
		v.warn("source %s is not a block device", src)
	default:
		v.ok("source %s exists", src)
	}
}

// isTagString is blkid_parse_tag_string's test (parseTagString).
func isTagString(s string) bool {
	_, _, ok := parseTagString(s)
	return ok
}

// tag resolves a NAME=value source; "" when no device has it.
func (v *verifier) tag(name, val string) string {
	dev := ""
	if !v.f.o.NoCanonicalize {
		// util-linux's verify_tag resolves nothing with -C (no cache);
		// the type check resolves the tag all the same (spec)
		dev = v.f.ctx.resolveTag(name, val)
	}
	switch {
	case dev == "" && !v.e.hasOption("noauto"):
		v.err("unreachable on boot required source: %s=%s", name, val)
	case dev == "":
		v.warn("unreachable: %s=%s", name, val)
	default:
		v.ok("%s=%s translated to %s", name, val, dev)
	}
	return dev
}

// spec is mnt_resolve_spec: the device a tag names ("" when none does), or
// the source path made canonical where it resolves.
func (v *verifier) spec() string {
	if name, val := v.e.tag(); name != "" {
		return v.f.ctx.resolveTag(name, val)
	}
	if v.e.Source == "" {
		return ""
	}
	if r := v.f.ctx.resolve(v.e.Source); r != "" {
		return r
	}
	return v.e.Source
}

// fstype compares the type written in the table with the kernel's list of
// filesystems and with the type found on the device.
func (v *verifier) fstype() {
	head := v.f.o.head
	src := v.spec()
	if src == "" {
		return
	}
	if v.e.pseudo || v.e.net {
		v.ok("do not check %s FS type (pseudo/net)", src)
		return
	}
	typ := v.e.FSType
	auto, swap := typ == "auto", typ == "swap"
	if typ != "" {
		none := typ == "none"
		if none && !v.e.hasOption("bind") && !v.e.hasOption("move") {
			if head {
				v.warn("\"none\" FS type is recommended for bind or move operations only")
			} else {
				v.warn("\"none\" FS type is recommended for bind or move oprations only") // 2.38.1's spelling
			}
			return
		}
		v.noFsck = typ == "xfs" || typ == "btrfs"
		if !swap && !auto && !none && !v.supported(typ) {
			v.warn("%s seems unsupported by the current kernel", typ)
		}
	}
	real, reason := v.probeFSType(src)
	if real == "" {
		if auto {
			v.err("cannot detect on-disk filesystem type (%s)", reason)
		} else {
			v.warn("cannot detect on-disk filesystem type (%s)", reason)
		}
		return
	}
	swap = real == "swap"
	v.noFsck = real == "xfs" || real == "btrfs"
	if typ != "" && !auto && typ != real {
		if head {
			v.warn("%s does not match with on-disk %s", typ, real)
		} else {
			v.err("%s does not match with on-disk %s", typ, real)
		}
		return
	}
	// util-linux HEAD checks the kernel only for a type it had to find.
	if !swap && (!head || typ == "" || auto) && !v.supported(real) {
		if head {
			v.warn("on-disk %s seems unsupported by the current kernel", real)
		} else {
			v.err("on-disk %s seems unsupported by the current kernel", real)
		}
		return
	}
	v.ok("FS type is %s", real)
}

// probeFSType names the filesystem on dev, or says why it cannot, with
// libblkid's reasons: the error of open(2), "Invalid argument" for what is
// neither a regular file nor a block device (a directory, /dev/null),
// "reason unknown" when no known superblock is there.
func (v *verifier) probeFSType(dev string) (fstype, reason string) {
	fd, err := unix.Open(dev, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return "", cli.Strerror(err)
	}
	var st unix.Stat_t
	err = unix.Fstat(fd, &st)
	unix.Close(fd)
	if err != nil {
		return "", cli.Strerror(err)
	}
	if m := st.Mode & unix.S_IFMT; m != unix.S_IFREG && m != unix.S_IFBLK {
		return "", cli.Strerror(unix.EINVAL)
	}
	if t := v.f.ctx.probe(dev).Type; t != "" {
		return t, ""
	}
	return "", "reason unknown"
}

func (v *verifier) passno() {
	if v.e.Target == "/" && v.e.Passno != 1 && !v.noFsck {
		v.warn("recommended root FS passno is 1 (current is %d)", v.e.Passno)
	}
}

// supported reports whether the kernel has (or can load) the filesystem.
func (v *verifier) supported(typ string) bool { return supportedIn(v.kernelFS, typ) }

// supportedIn is findmnt's is_supported_filesystem: the type is a
// match_fstype pattern against each name the kernel knows, so "noext4"
// is "a kernel filesystem that is not ext4" (findmnt-verify.c).
func supportedIn(kernelFS []string, typ string) bool {
	for _, k := range kernelFS {
		if matchFSType(k, typ) {
			return true
		}
	}
	return false
}

// kernelFilesystems is what the running kernel knows (/proc/filesystems)
// plus the filesystem modules it could load (modules.dep's kernel/fs/
// entries, without nls), each name kept unless the ones before already
// support it (findmnt's add_filesystem).
func kernelFilesystems() []string {
	names, _, _ := mountsys.KernelFilesystems()
	var uts unix.Utsname
	if unix.Uname(&uts) == nil {
		if f, err := os.Open("/lib/modules/" + unix.ByteSliceToString(uts.Release[:]) + "/modules.dep"); err == nil {
			names = append(names, fsModules(f)...)
			f.Close()
		}
	}
	var kept []string
	for _, n := range names {
		if !supportedIn(kept, n) {
			kept = append(kept, n)
		}
	}
	return kept
}

// fsModules reads modules.dep: "kernel/fs/ext4/ext4.ko.xz: deps" names
// the module ext4.
func fsModules(r io.Reader) []string {
	var names []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "kernel/fs/") || strings.HasPrefix(line, "kernel/fs/nls/") {
			continue
		}
		path, _, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		name := path[strings.LastIndexByte(path, '/')+1:]
		if i := strings.Index(name, ".ko"); i >= 0 {
			names = append(names, name[:i])
		}
	}
	return names
}

// systemdReload warns, as util-linux built with systemd does, when
// /etc/fstab changed after systemd last loaded its units (its mount units
// are generated from fstab).
func (v *verifier) systemdReload() {
	var units, fstab unix.Stat_t
	if unix.Stat("/run/systemd/systemd-units-load", &units) != nil || unix.Stat("/etc/fstab", &fstab) != nil {
		return
	}
	if units.Mtim.Sec < fstab.Mtim.Sec || units.Mtim.Sec == fstab.Mtim.Sec && units.Mtim.Nsec < fstab.Mtim.Nsec {
		v.warn("your fstab has been modified, but systemd still uses the old version;\n" +
			"       use 'systemctl daemon-reload' to reload")
	}
}
