package labs

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
)

// A stage started with a lab gets it as JSON on its fd 4 (ExtraFiles[1]):
// the lab may come from $NSTOOL_LABS_DIR, which the stage cannot read (it
// runs as nobody, or in the sandbox's own root).
const labFD = 4

// labPipe hands a lab to a stage: r goes into the stage's ExtraFiles, the
// lab is written once the stage has started.
type labPipe struct {
	r, w *os.File
	json []byte
}

func newLabPipe(lab *Lab) (*labPipe, error) {
	data, err := json.Marshal(lab)
	if err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	return &labPipe{r: r, w: w, json: data}, nil
}

// start starts cmd, whose ExtraFiles hold p.r, and sends it the lab.
func (p *labPipe) start(cmd *exec.Cmd) error {
	err := cmd.Start()
	p.r.Close()
	if err != nil {
		p.w.Close()
		return err
	}
	go func() { p.w.Write(p.json); p.w.Close() }()
	return nil
}

// labFromParent reads the lab a stage was started with, and its JSON.
func labFromParent() (*Lab, []byte, error) {
	f := os.NewFile(labFD, "lab")
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return nil, nil, err
	}
	var lab Lab
	if err := json.Unmarshal(data, &lab); err != nil {
		return nil, nil, err
	}
	return &lab, data, nil
}
