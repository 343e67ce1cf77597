package findmnt

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/scols"
)

type tabType int

const (
	tabKernel tabType = iota + 1
	tabMtab
	tabFstab
)

// search is what findmnt looks for; empty fields match everything.
type search struct {
	fstype, options, target, source string
	// hasFSType, hasOptions: -t or -O was given, an empty list included
	// (util-linux keeps the pointer: -t '' matches no type, -O '' every
	// mount, and either leaves "list all" mode)
	hasFSType, hasOptions bool
	majmin                *[2]uint32
	id                    *int
	uniqID                *uint64
	strictTarget, noSwap  bool
	filter                filterNode
}

// plan is what the command line asks for, before any table is read.
type plan struct {
	m         search
	cols      []*column
	tree      bool
	tt        tabType
	files     []string
	listmount bool // --kernel=listmount: the table comes from listmount(2)
	submounts bool
	// defaultFstab: files is fstabPath, which findmnt leaves libmount to
	// find, so that it names no file when it cannot read it
	defaultFstab bool
	linkURI      string // --hyperlink's "file://HOST" for TARGET, "" for none
}

func (o *Options) plan() (*plan, error) {
	linkURI, err := o.hyperlinkURI()
	if err != nil {
		return nil, err
	}
	listmount := false
	switch o.Kernel {
	case "mountinfo":
	case "":
		if o.given["kernel"] { // --kernel= names no backend
			return nil, cli.Exitf(1, "invalid --kernel argument")
		}
	case "listmount":
		listmount = true
	default:
		return nil, cli.Exitf(1, "invalid --kernel argument")
	}
	var m search
	m.fstype, m.options = o.Types, o.Options
	m.hasFSType, m.hasOptions = o.given["types"], o.given["options"]
	if o.Source != "" || cmdChanged(o, "source") {
		m.setSource(o.Source)
		m.noSwap = true
	}
	if o.Mountpoint != "" || cmdChanged(o, "mountpoint") {
		m.target, m.strictTarget, m.noSwap = emptyIsRoot(o.Mountpoint), true, true
	}
	if o.Target != "" || cmdChanged(o, "target") {
		m.target, m.noSwap = emptyIsRoot(o.Target), true
	}
	if o.ID != "" {
		n, err := strconv.Atoi(o.ID)
		if err != nil {
			return nil, cli.NumberError("invalid id argument", o.ID)
		}
		m.id = &n
	}
	if o.UniqID != "" || cmdChanged(o, "uniq-id") {
		n, err := strconv.ParseUint(strings.TrimLeft(o.UniqID, " \t"), 10, 64)
		if err != nil {
			return nil, cli.NumberError("invalid uniq-id argument", o.UniqID)
		}
		m.uniqID = &n
	}
	if o.given["direction"] && o.Direction != "forward" && o.Direction != "backward" {
		return nil, cli.Exitf(1, "unknown direction '%s'", o.Direction)
	}

	poll := o.given["poll"]
	tree := !(o.DF || o.DFI || o.Pairs || o.Mtab || o.Fstab || o.Raw || o.List || poll)

	// Columns: -D's df set or the four defaults, then -o (which replaces
	// them unless it starts with '+').
	var cols []*column
	if o.OutputAll {
		cols = o.outputAll()
	}
	switch {
	case len(cols) == 0 && o.DFI:
		cols = registry.Named("SOURCE", "FSTYPE", "INO.TOTAL", "INO.USED", "INO.AVAIL", "INO.USE%", "TARGET")
	case len(cols) == 0 && o.DF:
		cols = registry.Named("SOURCE", "FSTYPE", "SIZE", "USED", "AVAIL", "USE%", "TARGET")
	}
	if len(cols) == 0 {
		cols = registry.Named("TARGET", "SOURCE", "FSTYPE", "OPTIONS")
		if poll {
			cols = append(registry.Named("ACTION"), cols...)
		}
	}
	if o.Output != "" || cmdChanged(o, "output") {
		if cols, err = registry.ParseList(cols, o.Output, o.outputSyntax()); err != nil {
			if scols.FailsSilently(err) {
				return nil, cli.Exit(1) // util-linux says nothing
			}
			return nil, cli.Exitf(1, "%v", err)
		}
	}
	tt := tabType(0)
	var files []string
	switch {
	case o.Mtab:
		tt = tabMtab
	case o.Fstab:
		tt = tabFstab
	case o.Kernel != "":
		tt = tabKernel
	}
	for _, f := range o.TabFiles {
		if arg, ok := strings.CutPrefix(f, taskMark); ok {
			pid, err := parseTID(arg)
			if err != nil {
				return nil, err
			}
			tt = tabKernel
			// util-linux prints the pid_t with %d: 4294967295 is -1
			f = "/proc/" + strconv.Itoa(int(int32(pid))) + "/mountinfo"
		}
		files = append(files, f)
	}
	if tt == 0 {
		tt = tabKernel
		if o.Verify {
			tt = tabFstab // --verify checks fstab unless told otherwise
		}
	}

	if poll && len(files) > 1 {
		return nil, cli.Exitf(1, "--poll accepts only one file, but more specified by --tab-file")
	}
	if listmount && len(files) > 0 {
		return nil, cli.Exitf(1, "options --kernel=listmount and --tab-file or --task can't be used together")
	}
	if len(o.Args) > 0 && (m.source != "" || m.majmin != nil || m.target != "") {
		return nil, cli.Exitf(1, "options --target and --source can't be used together with command line element that is not an option")
	}
	if len(o.Args) > 0 {
		// a source (or, when none matches, a mount point: swapTarget)
		m.setSource(o.Args[0])
	}
	if len(o.Args) > 1 {
		m.target = emptyIsRoot(o.Args[1])
	}
	submounts := o.Submounts
	if submounts && isListAll(o, &m) {
		submounts = false
	}
	if !submounts && (o.FirstOnly || m.target != "" || m.source != "" || m.majmin != nil || m.id != nil || m.uniqID != nil) {
		tree = false
	}
	if !m.noSwap && m.target == "" && m.source != "" {
		for _, p := range []string{"LABEL=", "UUID=", "PARTLABEL=", "PARTUUID="} {
			if strings.HasPrefix(m.source, p) {
				m.noSwap = true
			}
		}
	}

	defaultFstab := false
	if len(files) == 0 && !listmount {
		switch tt {
		case tabFstab:
			files, defaultFstab = []string{fstabPath()}, true
		default:
			files = []string{"/proc/self/mountinfo"}
		}
	}
	if o.Filter != "" {
		n, unknown, err := parseFilter(o.Filter, columnByName, o.Bytes)
		if err != nil {
			return nil, cli.Exitf(1, "failed to parse \"%s\": %v", o.Filter, err)
		}
		if len(unknown) > 0 {
			for _, u := range unknown {
				fmt.Fprintf(o.IO.ErrOut, "nstool findmnt: unknown column: %s\n", u)
			}
			return nil, cli.Exitf(1, "failed to initialize filter")
		}
		m.filter = n
	}
	return &plan{m: m, cols: cols, tree: tree, tt: tt, files: files, defaultFstab: defaultFstab, submounts: submounts, linkURI: linkURI, listmount: listmount}, nil
}

// fstabPath is libmount's mnt_get_fstab_path: $LIBMOUNT_FSTAB when it is
// set (empty included) and libmount may read it (libmountGetenv), else
// /etc/fstab.
func fstabPath() string {
	if p, ok := libmountGetenv("LIBMOUNT_FSTAB"); ok {
		return p
	}
	return "/etc/fstab"
}

// libmountGetenv is util-linux 2.38.1's safe_getenv, through which libmount
// reads its variables: only for a real and effective root (util-linux
// HEAD lets every unprivileged user have them: 2.38.1's rule is kept, as
// the rest of its behaviour), with equal real and effective GIDs, in a
// dumpable process (prctl(2) PR_GET_DUMPABLE), else as if it were unset.
func libmountGetenv(name string) (string, bool) {
	if os.Getuid() != 0 || os.Geteuid() != 0 || os.Getgid() != os.Getegid() {
		return "", false
	}
	if d, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0); err == nil && d == 0 {
		return "", false
	}
	return os.LookupEnv(name)
}

// emptyIsRoot is how libmount reads an empty target: it compares paths
// without their trailing slashes, so "" is the same path as "/".
func emptyIsRoot(target string) string {
	if target == "" {
		return "/"
	}
	return target
}

// noSource stands for the source "" an empty -S or SOURCE asks for (an
// empty search field means no filter): libmount matches it with the
// mounts whose source is "" (or, not for pseudo filesystems, "/", the
// same path), see matchSource.
const noSource = "\x00"

// swapTarget is a lone SOURCE argument tried as a mount point, when it
// matched no source: "" is the root then (emptyIsRoot).
func swapTarget(source string) string {
	if source == noSource {
		return emptyIsRoot("")
	}
	return source
}

func (m *search) setSource(s string) {
	if s == "" {
		m.source = noSource
		return
	}
	var a, b int
	if n, _ := fmt.Sscanf(s, "%d:%d", &a, &b); n == 2 {
		m.majmin = &[2]uint32{uint32(a), uint32(b)}
		m.noSwap = true
		return
	}
	m.source = s
}

// isListAll is util-linux's is_listall_mode: "findmnt" without filters.
func isListAll(o *Options, m *search) bool {
	if (o.DF || o.DFI || o.Real || o.Pseudo) && !o.All {
		return false
	}
	return m.source == "" && m.target == "" && !m.hasFSType && !m.hasOptions && m.majmin == nil && m.id == nil && m.uniqID == nil
}

func cmdChanged(o *Options, name string) bool { return o.given[name] }
