package reach

import (
	"bytes"

	"github.com/nstool/nstool/cmd/nstool/internal/dotgraph"
	"github.com/nstool/nstool/nsutil/crossns"
	"github.com/nstool/nstool/nsutil/mountinfo"
)

// writePicture draws the mounts that the event concerns (those of the
// filesystem it is made on, in every namespace) with the receiving ones
// filled green and labelled with where the copy lands.
func writePicture(o *Options, m *crossns.Machine, p *crossns.Prediction) error {
	marks := map[dotgraph.MountKey]dotgraph.Mark{}
	for _, v := range p.Verdicts {
		for _, l := range v.Landings {
			mk := marks[dotgraph.MountKey{NS: v.NS.Ino, Mount: l.Parent}]
			mk.Fill = "palegreen"
			if mk.Label != "" {
				mk.Label += "\n"
			}
			mk.Label += "→ " + l.At + " (" + l.How + ")"
			marks[dotgraph.MountKey{NS: v.NS.Ino, Mount: l.Parent}] = mk
		}
	}
	fs := p.Mount
	if o.Umount {
		for _, mt := range p.Source.Mounts {
			if mt.ID == p.Mount.Parent {
				fs = &mt
				break
			}
		}
	}
	same := func(mt *mountinfo.Mount) bool { return mt.Major == fs.Major && mt.Minor == fs.Minor }
	var b bytes.Buffer
	if err := dotgraph.Write(&b, m.Graph(same), marks); err != nil {
		return err
	}
	return dotgraph.Output(o.IO, b.Bytes(), o.Format)
}
