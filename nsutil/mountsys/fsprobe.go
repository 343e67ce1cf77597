package mountsys

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os"
	"strings"
)

// ProbeFSType reads a device's (or image file's) superblock and names the
// filesystem on it, for mount without -t and findmnt --verify. It knows
// ext2/3/4, xfs, btrfs, squashfs and swap areas; "" means not recognised
// (mount then tries every type the kernel lists in /proc/filesystems, as
// mount(8) does).
func ProbeFSType(dev string) string {
	f, err := os.Open(dev)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 2048)
	n, _ := f.ReadAt(buf, 0)
	buf = buf[:n]
	switch {
	case len(buf) >= 4 && string(buf[:4]) == "XFSB":
		return "xfs"
	case len(buf) >= 4 && string(buf[:4]) == "hsqs":
		return "squashfs"
	}
	// ext2/3/4: the superblock starts at byte 1024; magic 0xEF53 at +56.
	if len(buf) >= 1024+104 && binary.LittleEndian.Uint16(buf[1024+56:]) == 0xEF53 {
		sb := buf[1024:]
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
	btrfs := make([]byte, 8)
	if n, _ := f.ReadAt(btrfs, 65536+64); n == 8 && string(btrfs) == "_BHRfS_M" {
		return "btrfs"
	}
	if isSwap(f) {
		return "swap"
	}
	return ""
}

// isSwap looks for mkswap(8)'s signature, the last 10 bytes of the first
// page, for the page sizes Linux has (4 KiB to 64 KiB), as libblkid does.
func isSwap(f *os.File) bool {
	sig := make([]byte, 10)
	for page := int64(4096); page <= 65536; page *= 2 {
		if n, _ := f.ReadAt(sig, page-10); n == 10 && (string(sig) == "SWAPSPACE2" || string(sig) == "SWAP-SPACE") {
			return true
		}
	}
	return false
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
