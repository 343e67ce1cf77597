package mountinfo

// Mount is one line of /proc/PID/mountinfo (proc(5)):
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//	(1)(2)(3)   (4)   (5)      (6)     (7)   (8) (9)   (10)         (11)
//
// Strings are decoded: the kernel writes space, tab, newline and backslash
// as \040, \011, \012 and \134.
type Mount struct {
	ID     int    // (1) unique mount ID (may be reused after umount)
	Parent int    // (2) ID of the parent mount; itself for the root of the tree
	Major  uint32 // (3) st_dev of files on this filesystem
	Minor  uint32
	Root   string // (4) the directory of the filesystem that forms this mount's root
	Target string // (5) mount point, relative to the reader's root
	// VFSOptions are the per-mount options (6): rw/ro, nosuid, relatime...
	VFSOptions string
	// Optional is the raw text of the optional fields (7), space-separated:
	// "shared:1 master:2" (empty when there are none).
	Optional    string
	Propagation        // (7) decoded: the well-formed fields only
	FSType      string // (9) filesystem type, with its subtype ("fuse.sshfs")
	Source      string // (10) filesystem-specific source, or "none"; may be empty
	FSOptions   string // (11) per-superblock options
}
