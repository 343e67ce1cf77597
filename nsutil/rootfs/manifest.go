package rootfs

import (
	"fmt"
	"strings"
)

// How is what Build did for one path of the root.
type How string

const (
	Linked    How = "link"    // a hard link to the host's file
	Copied    How = "copy"    // a copy of the host's file (another filesystem)
	Symlinked How = "symlink" // a symlink like the host's, same target
	MadeDir   How = "mkdir"   // a directory
	Wrote     How = "write"   // a file Build wrote (/etc/passwd...)
)

// Entry is one path of the root.
type Entry struct {
	Path string // in the root: "/usr/bin/dash"
	How  How
	From string // the host's file, or the symlink's target ("" for mkdir and write)
	Why  string // "program sh", "interpreter of /usr/bin/dash", "needed by /usr/bin/ls"
}

// Manifest is what Build made, in the order it made it.
type Manifest struct {
	Dir     string
	Entries []Entry
	Missing []string // optional programs the host does not have
	Bytes   int64    // the size of the files linked or copied
}

// String lists the entries, one a line: "copy    /usr/bin/dash  ← /usr/bin/dash  (program sh)".
func (m *Manifest) String() string {
	width := 0
	for _, e := range m.Entries {
		width = max(width, len(e.Path))
	}
	var b strings.Builder
	for _, e := range m.Entries {
		from := ""
		switch e.How {
		case Linked, Copied:
			from = "  ← " + e.From
		case Symlinked:
			from = "  → " + e.From
		}
		line := fmt.Sprintf("%-7s %-*s%s  (%s)", e.How, width, e.Path, from, e.Why)
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	if len(m.Missing) > 0 {
		fmt.Fprintf(&b, "not on this host: %s\n", strings.Join(m.Missing, ", "))
	}
	return b.String()
}
