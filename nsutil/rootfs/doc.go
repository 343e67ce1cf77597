// Package rootfs makes a small container root filesystem offline, from the
// host's own files: a shell, a few tools, the shared libraries each needs
// (read from the ELF files and found as the dynamic loader finds them,
// ld.so(8)), the nstool binary, the directories a container expects and a
// minimal /etc. Files are hard-linked where the target is on the same
// filesystem, copied otherwise; the host's symlinks on the way (merged /usr:
// /bin → usr/bin) are made again, so every path works as on the host.
// Build returns a Manifest: what was made, from where and why, so that a
// lab can show how its root was made. Nothing is written outside the
// directory given.
package rootfs
