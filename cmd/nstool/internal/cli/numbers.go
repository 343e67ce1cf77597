package cli

import "strconv"

// Numbers on the command line are read as util-linux's strtoul_or_err()
// family reads them, and refused with its message: "WHAT: 'ARG'" (for
// example "failed to parse uid: 'x'", "invalid TID argument: ' 1x'"),
// exit 1, without a pointer to --help.

// NumberError is util-linux's message for arg, which is not the number
// what asks for.
func NumberError(what, arg string) error {
	return Exitf(ExitFailure, "%s: '%s'", what, arg)
}

// ParseUint reads a decimal number from 0 to 2^32-1 (strtou32_or_err).
func ParseUint(s, what string) (int, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, NumberError(what, s)
	}
	return int(n), nil
}

// ParseInt64 reads a signed 64-bit number as unshare 2.38's
// strtos64_or_err() does (--monotonic, --boottime): as ParseStrtoul (blanks,
// a sign, "-" negating in unsigned arithmetic, ERANGE beyond 2^64-1), the
// 64 bits then taken as signed: 18446744073709551615 is -1, and
// 9223372036854775808 a number the kernel refuses later.
func ParseInt64(s, what string) (int64, error) {
	n, err := ParseStrtoul(s, what)
	return int64(n), err
}
