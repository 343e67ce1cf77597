// Package crossview is what the cross-namespace commands (reach, why,
// holders, graph) share: reading the machine with one note for what was
// left out, the source namespace of -N PID, the table layout, and the JSON
// fields that name a namespace.
package crossview

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/fatih/color"
	"github.com/spf13/pflag"
	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/scols"
	"github.com/nstool/nstool/nsutil/crossns"
	"github.com/nstool/nstool/nsutil/namespaces"
)

// load reads every mount namespace (crossns.Load); note says what could
// not be read, for Read to say.
func load() (m *crossns.Machine, note string, err error) {
	cli.BatchGC()
	m, unread, err := crossns.Load()
	if err != nil {
		return nil, "", cli.Exitf(1, "cannot read the namespaces: %s", cli.Strerror(err))
	}
	return m, cli.LeftOut(m.DeniedProcesses, unread), nil
}

// Read runs f, the body of a command, verb, on the machine that Load
// reads, and says what was left out: when f succeeds, on a line of its
// own on stderr; a failure carries it in its one line, since what could
// not be read may be why it failed (a device only an unreadable namespace
// holds).
func Read(ios *cli.IOStreams, verb string, f func(m *crossns.Machine) error) error {
	m, note, err := load()
	if err != nil {
		return err
	}
	err = f(m)
	if note == "" {
		return err
	}
	if err == nil {
		fmt.Fprintln(ios.ErrOut, cli.Wrap("nstool "+verb+": "+note, ios.TerminalWidth()))
		return nil
	}
	var ee *cli.ExitError
	if errors.As(err, &ee) && ee.Err != nil {
		return cli.Exitf(ee.Code, "%v; %s", ee.Err, note)
	}
	return err
}

// Source is the nsfs file of a source namespace — process pid's (0: the
// caller's) or, when given, nsFile — and the directory its paths are seen
// through from here ("" for a bare nsfs file: no process to look through).
func Source(pid int, nsFile string) (file, root string) {
	switch {
	case pid != 0:
		return fmt.Sprintf("/proc/%d/ns/mnt", pid), fmt.Sprintf("/proc/%d/root", pid)
	case nsFile != "":
		return nsFile, ""
	}
	return "/proc/self/ns/mnt", "/"
}

// Index is the position of the namespace with inode ino, -1 if absent.
func Index(m *crossns.Machine, ino uint64) int {
	for i, ns := range m.Namespaces {
		if ns.Ino == ino {
			return i
		}
	}
	return -1
}

// NSInode is the inode of the mount namespace file (pid, when not 0, names
// the process it belongs to, for the message when it is gone). A file that
// is on no nsfs (no namespace file: its inode names no namespace), or the
// file of another type of namespace (/proc/PID/ns/net), is refused.
func NSInode(file string, pid int) (uint64, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(file, &st); err != nil {
		if pid != 0 && errors.Is(err, syscall.ENOENT) {
			return 0, cli.Exitf(1, "no process %d", pid)
		}
		return 0, cli.Exitf(1, "%s: %s", file, cli.Strerror(err))
	}
	var fs unix.Statfs_t
	if err := unix.Statfs(file, &fs); err == nil && fs.Type != unix.NSFS_MAGIC {
		return 0, cli.Exitf(1, "%s: not a namespace file (/proc/PID/ns/mnt or a bind mount of one)", file)
	}
	// The type is nsfs's to say (NS_GET_NSTYPE); a file it cannot be
	// asked of (no permission) is left to the reading of the machine.
	if r, err := namespaces.ReadRelations(file); err == nil && r.Type != namespaces.Mnt {
		return 0, cli.Exitf(1, "%s: a %s namespace, not a mount namespace", file, r.Type)
	}
	return st.Ino, nil
}

// Resolve makes PATH absolute and follows its symbolic links as the source
// namespace sees them (through root, /proc/PID/root, when it is another
// process's); with only an nsfs file (file), PATH is taken as written,
// once a thread that joined the namespace has found it there.
func Resolve(p, root, file string) (string, error) {
	if !filepath.IsAbs(p) {
		if root != "/" {
			return "", cli.Exitf(1, "%s: a path in another namespace must be absolute", p)
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", cli.Exitf(1, "%s: %s", p, cli.Strerror(err))
		}
		p = abs
	}
	p = filepath.Clean(p)
	switch root {
	case "":
		var statErr error
		// A namespace this process may not join (setns(2) needs
		// CAP_SYS_ADMIN) is read as it is: PATH as written.
		if namespaces.InMount(file, func() { _, statErr = os.Stat(p) }) == nil && statErr != nil {
			return "", cli.Exitf(1, "%s: %s", p, cli.Strerror(statErr))
		}
		return p, nil
	case "/":
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return "", cli.Exitf(1, "%s: %s", p, cli.Strerror(err))
		}
		return real, nil
	}
	if _, err := os.Stat(root + p); err != nil {
		return "", cli.Exitf(1, "%s: %s", p, cli.Strerror(err))
	}
	return p, nil
}

// TargetPID is the -N/--target-pid option: the source namespace is that
// of a process.
type TargetPID string

// Register adds the option to f.
func (p *TargetPID) Register(f *pflag.FlagSet) {
	f.StringVarP((*string)(p), "target-pid", "N", "", "the source namespace is that of process `PID`")
}

// PID is the process the option named, 0 when it was not given.
func (p *TargetPID) PID(f *pflag.FlagSet) (int, error) {
	if !f.Changed("target-pid") {
		return 0, nil
	}
	n, err := strconv.Atoi(string(*p))
	if err != nil || n <= 0 {
		return 0, cli.Exitf(1, "invalid PID argument: '%s'", string(*p))
	}
	return n, nil
}

// Column is one column of a cross-namespace table.
type Column struct {
	Name  string
	Whint float64
	Flags scols.Flag
}

// NamespaceColumns are the first columns of every table: the namespace,
// its processes (or what holds it) and its owner.
var NamespaceColumns = []Column{{"NS", 10, scols.Right}, {"PIDS", 8, 0}, {"OWNER", 0.15, scols.Trunc}}

// NewTable sets up a table with these columns, for a terminal or a pipe.
func NewTable(ios *cli.IOStreams, name string, raw, noHeadings bool, cols []Column) *scols.Table {
	t := &scols.Table{
		Name:       name,
		NoHeadings: noHeadings,
		UTF8:       scols.LocaleIsUTF8(os.Getenv),
		Terminal:   ios.IsStdoutTTY(),
		TermWidth:  ios.TerminalWidth(),
		Colors:     ios.ColorEnabled(),
	}
	if raw {
		t.Format = scols.Raw
	}
	for _, c := range cols {
		t.NewColumn(c.Name, c.Whint, c.Flags)
	}
	return t
}

// NamespaceCells are the cells of NamespaceColumns for ns.
func NamespaceCells(ns *crossns.Namespace) []string {
	return []string{strconv.FormatUint(ns.Ino, 10), crossns.PIDText(ns), ns.Owner}
}

// SetCells fills a line from its first column on.
func SetCells(l *scols.Line, cells ...string) {
	for i, c := range cells {
		l.Set(i, c)
	}
}

// JSONNamespace are the fields that name a namespace in JSON output; ns is
// the inode number, as lsns and `nstool ls` print it.
type JSONNamespace struct {
	NS      uint64   `json:"ns"`
	PIDs    []int    `json:"pids"`
	Holders []string `json:"holders,omitempty"`
	Owner   *string  `json:"owner"`
}

// NamespaceJSON fills JSONNamespace for ns (pids [] rather than null,
// owner null when nothing names one).
func NamespaceJSON(ns *crossns.Namespace) JSONNamespace {
	j := JSONNamespace{NS: ns.Ino, PIDs: ns.PIDs, Holders: ns.Holders}
	if j.PIDs == nil {
		j.PIDs = []int{}
	}
	if ns.Owner != "" {
		owner := ns.Owner
		j.Owner = &owner
	}
	return j
}

// Row is one line of a cross-namespace table: its cells, and the long
// text of its last column (why not, the line that frees a copy).
type Row struct {
	Cells []string
	Note  string
	Color map[int]*color.Color // cells to colour on a terminal, by column
}

// PrintTable writes rows under cols. In a pipe the note is the last column,
// as written; on a terminal, where it would wrap across the other columns,
// it goes on a line of its own below its row, "label: note", wrapped at
// the terminal's width on word boundaries.
func PrintTable(ios *cli.IOStreams, name string, raw, noHeadings bool, cols []Column, label string, rows []Row) error {
	below := ios.IsStdoutTTY() && !raw
	if below {
		cols = cols[:len(cols)-1]
	}
	t := NewTable(ios, name, raw, noHeadings, cols)
	for _, r := range rows {
		cells := r.Cells
		if !below {
			cells = append(cells[:len(cells):len(cells)], r.Note)
		}
		l := t.NewLine(nil)
		SetCells(l, cells...)
		for i, c := range r.Color {
			l.SetColor(i, c)
		}
	}
	if !below {
		return t.Print(ios.Out)
	}
	var b strings.Builder
	if err := t.Print(&b); err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if !noHeadings && len(lines) > 0 {
		fmt.Fprintln(ios.Out, lines[0])
		lines = lines[1:]
	}
	for i, l := range lines {
		fmt.Fprintln(ios.Out, l)
		if i < len(rows) && rows[i].Note != "" {
			fmt.Fprintln(ios.Out, cli.Wrap("           "+label+": "+rows[i].Note, ios.TerminalWidth()))
		}
	}
	return nil
}
