// Package mountsys makes mount(2) and umount2(2) calls, kept as data
// (Call) so that a command can show them before or after making them, and
// probes filesystems (the kernel's list in /proc/filesystems, a block
// device's superblock).
package mountsys
