package mountinfo

// ParseLineLenient reads one mountinfo line (without its newline) into m
// as libmount does, for findmnt --tab-file: it returns false exactly when
// libmount reports the line as a parse error (m is then to be dropped).
// The values are libmount's (an ID that overflows wraps to 32 bits, "1:2x"
// is device 1:2); Optional is the text as written and Propagation holds
// its well-formed fields only (see LibmountFlags for libmount's reading of
// the rest). m must be zero: a reader of a large table fills the entries
// it allocates, without copying each Mount.
func ParseLineLenient(line string, m *Mount) bool {
	_, ok := tokenize(line, m)
	return ok
}

// IsMountinfoLine is libmount's guess at a table's format from its first
// line: sscanf(line, "%u %u") finds two numbers (the IDs of proc(5)).
func IsMountinfoLine(line string) bool {
	_, rest, ok := scanUint32(line)
	if ok {
		_, _, ok = scanUint32(rest)
	}
	return ok
}
