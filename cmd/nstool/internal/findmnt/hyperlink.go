package findmnt

import (
	"os"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// hyperlinkURI reads --hyperlink[=WHEN] (util-linux 2.41): "always",
// "never", or "auto" (also the bare option), which links when stdout is a
// terminal. The TARGET cells of human output then become OSC 8 links to
// file://HOST/PATH, HOST being gethostname(2)'s name, so that a terminal
// can open the mount point; "" means no links.
func (o *Options) hyperlinkURI() (string, error) {
	if !o.given["hyperlink"] {
		return "", nil
	}
	switch o.Hyperlink {
	case "never":
		return "", nil
	case "always":
	case "auto":
		if !o.IO.IsStdoutTTY() {
			return "", nil
		}
	default:
		return "", cli.Exitf(1, "invalid argument of --hyperlink: %s", o.Hyperlink)
	}
	host, _ := os.Hostname() // util-linux links to "file://" alone when it fails
	return "file://" + host, nil
}
