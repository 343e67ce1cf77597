package reach

import (
	"encoding/json"
	"io"

	"github.com/fatih/color"
	"github.com/nstool/nstool/cmd/nstool/internal/crossview"
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
	crossview.JSONNamespace
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
		n := jsonNS{JSONNamespace: crossview.NamespaceJSON(v.NS), Receives: v.Receives, Mounts: []jsonMount{}}
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

// writeTable prints one line per place a namespace receives the event, and
// one for a namespace that receives nothing.
func writeTable(o *Options, p *crossns.Prediction) error {
	cols := append(crossview.NamespaceColumns[:3:3],
		crossview.Column{Name: "RECEIVES", Whint: 3}, crossview.Column{Name: "AT", Whint: 0.3, Flags: scols.NoExtremes},
		crossview.Column{Name: "HOW", Whint: 0.15}, crossview.Column{Name: "WHY", Whint: 0.3})
	var rows []crossview.Row
	for _, v := range p.Verdicts {
		if !v.Receives {
			rows = append(rows, crossview.Row{Cells: append(crossview.NamespaceCells(v.NS), "no", "", ""), Note: v.Why,
				Color: map[int]*color.Color{3: colorNo}})
		}
		for i, land := range v.Landings {
			why := ""
			if i == len(v.Landings)-1 {
				why = v.Why
			}
			rows = append(rows, crossview.Row{Cells: append(crossview.NamespaceCells(v.NS), "yes", land.At, land.How), Note: why,
				Color: map[int]*color.Color{3: colorYes}})
		}
	}
	return crossview.PrintTable(o.IO, "namespaces", o.Raw, o.NoHeadings, cols, "why", rows)
}

// On a terminal: who receives in green, who does not faint.
var (
	colorYes = color.New(color.FgGreen)
	colorNo  = color.New(color.Faint)
)
