package mountsys

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// ProbeFSType reads a device's (or image file's) superblock and names the
// filesystem on it, for mount without -t and findmnt --verify; "" means
// not recognised (mount then tries every type the kernel lists in
// /proc/filesystems, as mount(8) does). See Probe.
func ProbeFSType(dev string) string { return Probe(dev).Type }

// Superblock is what a filesystem says about itself: its type, label and
// UUID (libblkid's TYPE, LABEL and UUID tags).
type Superblock struct {
	Type, Label, UUID string
}

// Probe reads the superblock of a device or image file. It knows ext2/3/4,
// xfs, btrfs, squashfs (no label or UUID) and swap areas; the zero
// Superblock means none of them (or an unreadable device).
func Probe(dev string) Superblock {
	// O_NONBLOCK: a FIFO or a device that waits for a peer is not waited
	// for; only regular files and block devices are read.
	f, err := os.OpenFile(dev, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return Superblock{}
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() && fi.Mode()&(os.ModeDevice|os.ModeCharDevice) != os.ModeDevice {
		return Superblock{}
	}
	buf := make([]byte, 2048)
	n, _ := f.ReadAt(buf, 0)
	buf = buf[:n]
	switch {
	case len(buf) >= 120 && string(buf[:4]) == "XFSB":
		// xfs_sb: sb_uuid at 32, sb_fname[12] at 108
		return Superblock{Type: "xfs", UUID: formatUUID(buf[32:48]), Label: cString(buf[108:120])}
	case len(buf) >= 4 && string(buf[:4]) == "hsqs":
		return Superblock{Type: "squashfs"}
	}
	// ext2/3/4: the superblock starts at byte 1024; magic 0xEF53 at +56,
	// s_uuid at +104, s_volume_name[16] at +120.
	if len(buf) >= 1024+136 && binary.LittleEndian.Uint16(buf[1024+56:]) == 0xEF53 {
		sb := buf[1024:]
		return Superblock{Type: extType(sb), UUID: formatUUID(sb[104:120]), Label: cString(sb[120:136])}
	}
	// btrfs: the superblock is at 64 KiB: fsid at +32, magic at +64, label[256] at +299
	btrfs := make([]byte, 299+256)
	if n, _ := f.ReadAt(btrfs, 65536); n == len(btrfs) && string(btrfs[64:72]) == "_BHRfS_M" {
		return Superblock{Type: "btrfs", UUID: formatUUID(btrfs[32:48]), Label: cString(btrfs[299:])}
	}
	switch sig := swapSignature(f); {
	case sig == "SWAPSPACE2" && len(buf) >= 1024+44:
		// swap_header v1 after the boot block: uuid at +12, volume_name[16] at +28
		h := buf[1024:]
		return Superblock{Type: "swap", UUID: formatUUID(h[12:28]), Label: cString(h[28:44])}
	case sig != "":
		return Superblock{Type: "swap"} // the old format has neither
	}
	return Superblock{}
}

// extType tells ext2, ext3, ext4 and an external journal (jbd) apart by
// the superblock's feature flags, as libblkid does.
func extType(sb []byte) string {
	compat := binary.LittleEndian.Uint32(sb[92:])
	incompat := binary.LittleEndian.Uint32(sb[96:])
	roCompat := binary.LittleEndian.Uint32(sb[100:])
	const (
		hasJournal     = 0x4
		ext3Incompat   = 0x2 | 0x4 | 0x8 | 0x10 // filetype, recover, journal_dev, meta_bg
		ext3ROCompat   = 0x1 | 0x2 | 0x4        // sparse_super, large_file, btree_dir
		journalDevFlag = 0x8
	)
	switch {
	case incompat&journalDevFlag != 0:
		return "jbd"
	case incompat&^ext3Incompat != 0 || roCompat&^ext3ROCompat != 0:
		return "ext4"
	case compat&hasJournal != 0:
		return "ext3"
	}
	return "ext2"
}

// formatUUID writes 16 bytes as libblkid does (lower-case 8-4-4-4-12); ""
// for a UUID of zeros, which means none.
func formatUUID(b []byte) string {
	if bytes.Equal(b, make([]byte, 16)) {
		return ""
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// cString is a NUL-padded name field, trailing blanks removed (libblkid's
// label).
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return strings.TrimRight(string(b), " ")
}

// swapSignature looks for mkswap(8)'s signature, the last 10 bytes of the
// first page, for the page sizes Linux has (4 KiB to 64 KiB), as libblkid
// does: "SWAPSPACE2", "SWAP-SPACE" (the old format) or "" for none.
func swapSignature(f *os.File) string {
	sig := make([]byte, 10)
	for page := int64(4096); page <= 65536; page *= 2 {
		if n, _ := f.ReadAt(sig, page-10); n == 10 && (string(sig) == "SWAPSPACE2" || string(sig) == "SWAP-SPACE") {
			return string(sig)
		}
	}
	return ""
}

// KernelFilesystems lists /proc/filesystems: the types the running kernel
// knows, and whether each needs a device ("nodev" marks those that do not).
func KernelFilesystems() (types []string, nodev map[string]bool, err error) {
	data, err := os.ReadFile("/proc/filesystems")
	if err != nil {
		return nil, nil, err
	}
	nodev = map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch len(f) {
		case 1:
			types = append(types, f[0])
		case 2:
			types = append(types, f[1])
			nodev[f[1]] = f[0] == "nodev"
		}
	}
	return types, nodev, nil
}

// DevicesWithTag lists the block devices whose superblock has LABEL or
// UUID value, as libblkid's scan of all devices (blkid_probe_all) finds
// them where udev has no /dev/disk/by-* link: the devices of
// /proc/partitions, the last listed first, as libblkid keeps them.
func DevicesWithTag(name, value string) []string {
	if name != "LABEL" && name != "UUID" || value == "" {
		return nil
	}
	data, err := os.ReadFile("/proc/partitions")
	if err != nil {
		return nil
	}
	lines := strings.Split(string(data), "\n")
	var devs []string
	for i := len(lines) - 1; i >= 0; i-- {
		f := strings.Fields(lines[i])
		if len(f) != 4 || f[0] == "major" {
			continue
		}
		dev := "/dev/" + f[3]
		sb := Probe(dev)
		if name == "LABEL" && sb.Label == value || name == "UUID" && sb.UUID == value {
			devs = append(devs, dev)
		}
	}
	return devs
}

// udevTagDirs are the tags libblkid evaluates (LABEL=x) and udev's folder
// of links to their devices under /dev/disk.
var udevTagDirs = map[string]string{"LABEL": "by-label", "UUID": "by-uuid", "PARTLABEL": "by-partlabel",
	"PARTUUID": "by-partuuid", "ID": "by-id"}

// TagDir is udev's folder under /dev/disk for the tag name ("by-label"
// for LABEL); ok is false for a name that is no tag.
func TagDir(name string) (dir string, ok bool) {
	dir, ok = udevTagDirs[name]
	return dir, ok
}

// FindByTag is the first of DevicesWithTag, "" when there is none.
func FindByTag(name, value string) string {
	if devs := DevicesWithTag(name, value); len(devs) > 0 {
		return devs[0]
	}
	return ""
}
