package findmnt

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// readFstab reads path as libmount's mnt_table_parse_fstab does for -s: a
// regular file is a table, a directory holds tables (readFstabDir), and
// anything else (a device, a FIFO) is refused without being read.
func (t *mountTable) readFstab(path string, warn func(parseWarning)) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return err
	case fi.IsDir():
		return t.readFstabDir(path, warn)
	case !fi.Mode().IsRegular():
		// libmount returns EINVAL, but findmnt's warn(3) prints errno,
		// which gettext's search for a message catalogue left at ENOENT.
		return syscall.ENOENT
	}
	return t.readFile(path, warn)
}

// readFstabDir is libmount's mnt_table_parse_dir: the regular files (or
// links to them) named *.fstab, not hidden, in strverscmp(3) order; their
// parse errors name them by their bare name, as libmount reports them.
func (t *mountTable) readFstabDir(dir string, warn func(parseWarning)) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		typ := e.Type()
		if !(typ.IsRegular() || typ&os.ModeSymlink != 0) || strings.HasPrefix(n, ".") || len(n) <= len(".fstab") || !strings.HasSuffix(n, ".fstab") {
			continue
		}
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return strverscmp(names[i], names[j]) < 0 })
	for _, n := range names {
		path := filepath.Join(dir, n)
		if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			continue // libmount skips a file it cannot open
		}
		err = t.parse(f, n, 0, warn)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// strverscmp compares as glibc's strverscmp(3) (versionsort): byte by
// byte, except where the first difference lies in a run of digits. Runs
// that do not start with '0' compare as numbers (the longer run is the
// larger); runs that start with '0' are fractions: while only zeros are
// behind, the run that ends first is the larger ("000" < "00" < "0"), and
// a fraction that ends is larger than one going on with digits ("09" <
// "0"); past a non-zero digit, fractions compare byte by byte.
func strverscmp(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(a) && i == len(b) {
		return 0
	}
	ca, cb := byteAt(a, i), byteAt(b, i)
	bytes := int(ca) - int(cb)
	j := i // where the run of digits around the difference starts
	for j > 0 && isDigit(a[j-1]) {
		j--
	}
	da, db := isDigit(ca), isDigit(cb)
	switch {
	case j == i:
		// the run starts at the difference: numbers only if both are
		// digits 1-9 (a zero there starts a fraction, which is smaller)
		if da && db && ca != '0' && cb != '0' {
			return digitRunCompare(a[i:], b[i:], bytes)
		}
		return bytes
	case a[j] != '0': // integral part: the longer number is larger
		return digitRunCompare(a[i:], b[i:], bytes)
	case strings.Trim(a[j:i], "0") == "": // only leading zeros so far
		switch {
		case !da && db:
			return 1
		case da && !db:
			return -1
		}
	}
	return bytes
}

// digitRunCompare compares two numbers of the same digits up to here by
// the length of their remaining runs, then by the first different byte.
func digitRunCompare(a, b string, bytes int) int {
	na, nb := digitRun(a), digitRun(b)
	switch {
	case na < nb:
		return -1
	case na > nb:
		return 1
	}
	return bytes
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}

func byteAt(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
