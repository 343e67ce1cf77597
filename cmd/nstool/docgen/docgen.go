// Package docgen writes nstool's man pages and markdown CLI reference from
// the cobra command tree, so the docs cannot drift from the flags.
package docgen

import (
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra/doc"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/root"
)

// manDate is fixed so that regenerating the pages changes nothing unless a
// command changed.
var manDate = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// Generate writes DIR/man/*.1 and DIR/cli/*.md.
func Generate(dir string) error {
	ios, _, _, _ := cli.Test()
	cmd := root.NewCmd(ios)
	cmd.DisableAutoGenTag = true
	manDir, mdDir := filepath.Join(dir, "man"), filepath.Join(dir, "cli")
	for _, d := range []string{manDir, mdDir} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	header := &doc.GenManHeader{Title: "NSTOOL", Section: "1", Source: "nstool", Manual: "nstool manual", Date: &manDate}
	if err := doc.GenManTree(cmd, header, manDir); err != nil {
		return err
	}
	return doc.GenMarkdownTree(cmd, mdDir)
}
