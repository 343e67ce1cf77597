package cli

import (
	"io"

	"github.com/nstool/nstool/cmd/nstool/internal/version"
)

// VersionLine is what a util-linux command's -V prints, util-linux's shape
// with nstool's name and release: "umount from nstool v1.2.3". A script
// that reads the version must not be told it runs a util-linux release.
func VersionLine(verb string) string { return verb + " from nstool " + version.Version + "\n" }

// PrintVersion is a command's -V: VersionLine(verb) on w.
func PrintVersion(w io.Writer, verb string) error {
	_, err := io.WriteString(w, VersionLine(verb))
	return err
}
