// Package version holds nstool's version, set at build time
// (-ldflags "-X github.com/nstool/nstool/cmd/nstool/internal/version.Version=v1.2.3").
// The linker writes the string into the binary's data, so the pre-runtime
// start can print it too: no initialisation is needed to read it.
package version

// Version is the release, `git describe` in the Makefile's build.
var Version = "dev"

// Line is what `nstool --version` prints, as cobra's version template does.
func Line(version string) string { return "nstool " + version + "\n" }
