// Package mountcmd holds what `nstool mount` and `nstool umount` share, as
// util-linux's mount(8) and umount(8) share libmount: the paths they work
// with (realpath(3) of each argument), the look-ups in the mount table
// that both make, the hint that follows "must be superuser", and
// --explain's report of each call (the call as strace shows it, the
// propagation of the mounts it touched before → after, the rule).
// Neither command imports the other.
package mountcmd

// RootHint follows "must be superuser": where a person can get the right.
const RootHint = "hint: run as root, or inside `nstool unshare --user --map-root-user --mount`"
