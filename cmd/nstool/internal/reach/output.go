package reach

import (
	"encoding/json"
	"io"

	"github.com/fatih/color"

	"github.com/nstool/nstool/cmd/nstool/internal/crossview"
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

var (
	colorYes = color.New(color.FgGreen)
	colorNo  = color.New(color.Faint)
)

// writeTable prints one line per place a namespace receives the event, and
// one for a namespace that receives nothing.
func writeTable(o *Options, p *crossns.Prediction) error {
	t := crossview.NewTable(o.IO, "namespaces", o.Raw, o.NoHeadings, append(crossview.NamespaceColumns[:3:3],
		crossview.Column{Name: "RECEIVES", Whint: 3}, crossview.Column{Name: "AT", Whint: 0.3},
		crossview.Column{Name: "HOW", Whint: 0.1}, crossview.Column{Name: "WHY", Whint: 0.4}))
	line := func(v crossns.Verdict, receives, at, how, why string) {
		l := t.NewLine(nil)
		crossview.SetCells(l, append(crossview.NamespaceCells(v.NS), receives, at, how, why)...)
		l.SetColor(3, map[bool]*color.Color{true: colorYes, false: colorNo}[v.Receives])
	}
	for _, v := range p.Verdicts {
		if !v.Receives {
			line(v, "no", "", "", v.Why)
		}
		for i, land := range v.Landings {
			why := ""
			if i == len(v.Landings)-1 {
				why = v.Why
			}
			line(v, "yes", land.At, land.How, why)
		}
	}
	return t.Print(o.IO.Out)
}
