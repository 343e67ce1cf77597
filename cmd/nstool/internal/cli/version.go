package cli

// Version is nstool's version. The build sets root.Version (-ldflags -X),
// and root hands it over here, where every command's -V reads it.
var Version = "dev"

// VersionLine is what -V/--version prints for a command that reproduces a
// util-linux one: util-linux's shape ("umount from util-linux 2.38.1"),
// with the package that really answers, "umount from nstool v1.2.3". A
// script that reads the version learns which program it runs; nstool does
// not pretend to be a util-linux release.
func VersionLine(verb string) string { return verb + " from nstool " + Version + "\n" }
