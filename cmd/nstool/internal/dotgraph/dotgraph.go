// Package dotgraph draws crossns graphs in Graphviz's DOT language, and
// renders them with Graphviz's dot where it is installed: a picture of
// namespaces, mounts, peer groups and master links for the projector.
package dotgraph

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"strconv"
	"strings"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil/crossns"
)

// Mark colours one mount of the picture (reach: who receives).
type Mark struct {
	Fill  string // a Graphviz colour name
	Label string // a line added below the mount's label
}

// MountKey names one mount: its namespace's inode and its ID.
type MountKey struct {
	NS    uint64
	Mount int
}

// Write writes g as a DOT digraph: a cluster per namespace, a box per
// mount, an ellipse per peer group; a plain line joins a mount to its
// group, an arrow runs from a group to each of its slaves.
func Write(w io.Writer, g crossns.Graph, marks map[MountKey]Mark) error {
	var b strings.Builder
	b.WriteString("digraph propagation {\n\trankdir=LR;\n\tnode [fontname=\"monospace\" fontsize=10];\n")
	for _, n := range g.Groups {
		fmt.Fprintf(&b, "\tg%d [label=\"shared:%d\" shape=ellipse style=filled fillcolor=palegreen];\n", n, n)
	}
	for _, c := range g.Namespaces {
		fmt.Fprintf(&b, "\tsubgraph cluster_%d {\n\t\tlabel=%s;\n\t\tstyle=rounded;\n", c.NS.Ino, quote(clusterLabel(c.NS)))
		for _, mt := range c.Mounts {
			label := mt.Target
			if mt.Root != "/" {
				label += "\nroot " + mt.Root
			}
			label += "\n" + mt.Propagation.String()
			attrs := "shape=box"
			if mk, ok := marks[MountKey{c.NS.Ino, mt.ID}]; ok {
				if mk.Label != "" {
					label += "\n" + mk.Label
				}
				attrs += " style=filled fillcolor=" + mk.Fill
			}
			fmt.Fprintf(&b, "\t\t%s [label=%s %s];\n", node(c.NS.Ino, mt.ID), quote(label), attrs)
		}
		b.WriteString("\t}\n")
	}
	for _, e := range g.Members {
		fmt.Fprintf(&b, "\t%s -> g%d [dir=none color=darkgreen];\n", node(e.NS, e.Mount), e.Group)
	}
	for _, e := range g.Masters {
		fmt.Fprintf(&b, "\tg%d -> %s [color=goldenrod label=\"master\"];\n", e.Group, node(e.NS, e.Mount))
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// node is the DOT name of a mount.
func node(ns uint64, id int) string { return "m" + strconv.FormatUint(ns, 10) + "_" + strconv.Itoa(id) }

func clusterLabel(ns *crossns.Namespace) string {
	s := "mnt:[" + strconv.FormatUint(ns.Ino, 10) + "]"
	if len(ns.PIDs) > 0 {
		s += " pid " + crossns.PIDText(ns)
	} else if len(ns.Holders) > 0 {
		s += " held by " + ns.Holders[0]
	}
	if ns.Owner != "" {
		s += "\n" + ns.Owner
	}
	return s
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// ErrNoDot says that Graphviz is not installed.
var ErrNoDot = errors.New("Graphviz's dot is not installed (apt-get install graphviz), or use --format dot")

// Render turns DOT text into format (svg, png, plain...) with Graphviz's dot.
func Render(dotText []byte, format string) ([]byte, error) {
	path, err := exec.LookPath("dot")
	if err != nil {
		return nil, ErrNoDot
	}
	cmd := exec.Command(path, "-T"+format)
	cmd.Stdin = bytes.NewReader(dotText)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, renderError(format, err, stderr.String())
	}
	return out, nil
}

// renderError is dot's failure in one line: how it ended (a start that
// failed as strerror says it) and the first line it wrote, if any.
func renderError(format string, err error, stderr string) error {
	why := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		why = cli.Strerror(pe.Err)
	}
	first, _, _ := strings.Cut(strings.TrimSpace(stderr), "\n")
	if first == "" {
		return fmt.Errorf("dot -T%s: %s", format, why)
	}
	return fmt.Errorf("dot -T%s: %s: %s", format, why, strings.TrimSpace(first))
}

// ValidFormat checks a --format word; table is one only where allowed.
func ValidFormat(f string, table bool) error {
	switch f {
	case "dot", "svg", "png":
		return nil
	case "table":
		if table {
			return nil
		}
	}
	return cli.Exitf(1, "unknown format: %q (use dot, svg or png)", f)
}

// Output writes DOT text as it is, or rendered by Graphviz.
func Output(ios *cli.IOStreams, dotText []byte, format string) error {
	out := dotText
	if format != "dot" {
		var err error
		if out, err = Render(dotText, format); err != nil {
			return cli.Exitf(1, "%v", err)
		}
	}
	_, err := ios.Out.Write(out)
	return err
}
