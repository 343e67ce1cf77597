package reach

import (
	"encoding/json"
	"io"
	"os"
	"strconv"

	"github.com/fatih/color"

	"github.com/nstool/nstool/cmd/nstool/internal/scols"
	"github.com/nstool/nstool/nsutil/crossns"
)

// The JSON document: its shape is part of the interface (scripts and tests
// rely on it); ns is the inode number, as lsns and `nstool ls` print it.
type jsonDoc struct {
	Source     jsonSource `json:"source"`
	Namespaces []jsonNS   `json:"namespaces"`
}

type jsonSource struct {
	NS      uint64 `json:"ns"`
	Target  string `json:"target"`
	MountID int    `json:"mount_id"`
}

type jsonNS struct {
	NS       uint64      `json:"ns"`
	PIDs     []int       `json:"pids"`
	Holders  []string    `json:"holders,omitempty"`
	Owner    *string     `json:"owner"`
	Receives bool        `json:"receives"`
	Mounts   []jsonMount `json:"mounts"`
	Why      *string     `json:"why"`
}

type jsonMount struct {
	At  string `json:"at"`
	How string `json:"how"`
}

func writeJSON(w io.Writer, target string, p *crossns.Prediction) error {
	doc := jsonDoc{Source: jsonSource{NS: p.Source.Ino, Target: target, MountID: p.Mount.ID}}
	for _, v := range p.Verdicts {
		n := jsonNS{NS: v.NS.Ino, PIDs: v.NS.PIDs, Holders: v.NS.Holders, Receives: v.Receives, Mounts: []jsonMount{}}
		if n.PIDs == nil {
			n.PIDs = []int{}
		}
		if v.NS.Owner != "" {
			owner := v.NS.Owner
			n.Owner = &owner
		}
		for _, l := range v.Landings {
			n.Mounts = append(n.Mounts, jsonMount{At: l.At, How: l.How})
		}
		if v.Why != "" {
			why := v.Why
			n.Why = &why
		}
		doc.Namespaces = append(doc.Namespaces, n)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "   ")
	return enc.Encode(doc)
}

var (
	colorYes = color.New(color.FgGreen)
	colorNo  = color.New(color.Faint)
)

// writeTable prints one line per place a namespace receives the event, and
// one for a namespace that receives nothing.
func writeTable(o *Options, p *crossns.Prediction) error {
	t := &scols.Table{
		Name:       "namespaces",
		NoHeadings: o.NoHeadings,
		UTF8:       scols.LocaleIsUTF8(os.Getenv),
		Terminal:   o.IO.IsStdoutTTY(),
		TermWidth:  o.IO.TerminalWidth(),
		Colors:     o.IO.ColorEnabled(),
	}
	if o.Raw {
		t.Format = scols.Raw
	}
	t.NewColumn("NS", 10, scols.Right)
	t.NewColumn("PIDS", 8, 0)
	t.NewColumn("OWNER", 0.15, scols.Trunc)
	t.NewColumn("RECEIVES", 3, 0)
	t.NewColumn("AT", 0.3, 0)
	t.NewColumn("HOW", 0.1, 0)
	t.NewColumn("WHY", 0.4, 0)
	for _, v := range p.Verdicts {
		ns, pids := strconv.FormatUint(v.NS.Ino, 10), crossns.PIDText(v.NS)
		if !v.Receives {
			l := t.NewLine(nil)
			l.Set(0, ns)
			l.Set(1, pids)
			l.Set(2, v.NS.Owner)
			l.Set(3, "no")
			l.SetColor(3, colorNo)
			l.Set(6, v.Why)
			continue
		}
		for i, land := range v.Landings {
			l := t.NewLine(nil)
			l.Set(0, ns)
			l.Set(1, pids)
			l.Set(2, v.NS.Owner)
			l.Set(3, "yes")
			l.SetColor(3, colorYes)
			l.Set(4, land.At)
			l.Set(5, land.How)
			if i == len(v.Landings)-1 {
				l.Set(6, v.Why)
			}
		}
	}
	return t.Print(o.IO.Out)
}
