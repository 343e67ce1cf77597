package cli

import (
	"math"
	"strconv"
	"strings"
)

// ParseStrtos32 reads a number as util-linux's strtos32_or_err() does
// (lsns -p): strtol(3) in base 10, so leading blanks and a sign are
// allowed and nothing may follow; refused with "WHAT: 'ARG'", or, for a
// number outside int32, "WHAT: 'ARG': Numerical result out of range"
// (strerror(ERANGE)); exit 1.
func ParseStrtos32(s, what string) (int32, error) {
	n, err := strtol(s)
	if err == strconv.ErrRange || err == nil && (n < math.MinInt32 || n > math.MaxInt32) {
		return 0, Exitf(ExitFailure, "%s: '%s': Numerical result out of range", what, s)
	}
	if err != nil {
		return 0, NumberError(what, s)
	}
	return int32(n), nil
}

// ParseStrtou64 reads a number as strtou64_or_err() does (lsns's
// namespace argument): as ParseStrtoul, but a negative number is out of
// range ("WHAT: '-1': Numerical result out of range"; "-0" is 0).
func ParseStrtou64(s, what string) (uint64, error) {
	n, err := ParseStrtoul(s, what)
	if err == nil && n != 0 && strings.HasPrefix(strings.TrimLeft(s, blanks), "-") {
		return 0, Exitf(ExitFailure, "%s: '%s': Numerical result out of range", what, s)
	}
	return n, err
}

// blanks are what isspace(3) takes in the C locale: strtol(3) skips them
// before a number.
const blanks = " \t\n\v\f\r"

// strtol is strtol(3) in base 10 that must use all of s: blanks, one
// sign, at least one digit.
func strtol(s string) (int64, error) {
	t := strings.TrimLeft(s, blanks)
	sign := ""
	if t != "" && (t[0] == '+' || t[0] == '-') {
		sign, t = t[:1], t[1:]
	}
	if t == "" || strings.Trim(t, "0123456789") != "" {
		return 0, strconv.ErrSyntax
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(sign, "+")+t, 10, 64)
	if err != nil {
		return 0, strconv.ErrRange
	}
	return n, nil
}

// ParseStrtoul reads a number as strtoul_or_err() does (unshare's and
// nsenter's -S, -G and numeric --map-user/--map-group): strtoul(3) in base
// 10, so leading blanks and a sign are allowed, and a "-" negates in
// unsigned arithmetic ("-1" is 2^64-1); nothing may follow. Beyond 2^64-1
// it says "WHAT: 'ARG': Numerical result out of range". The caller keeps
// the low 32 bits, as the C cast to uid_t does (4294967296 is 0).
func ParseStrtoul(s, what string) (uint64, error) {
	t := strings.TrimLeft(s, blanks)
	neg := t != "" && t[0] == '-'
	if t != "" && (neg || t[0] == '+') {
		t = t[1:]
	}
	if t == "" || strings.Trim(t, "0123456789") != "" {
		return 0, NumberError(what, s)
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil {
		return 0, Exitf(ExitFailure, "%s: '%s': Numerical result out of range", what, s)
	}
	if neg {
		n = -n
	}
	return n, nil
}

// ParseID is ParseStrtoul for a uid or gid: the low 32 bits, as uid_t.
func ParseID(s, what string) (int, error) {
	n, err := ParseStrtoul(s, what)
	return int(uint32(n)), err
}

// StrtoulPrefix is strtoul(s, NULL, 10) (util-linux's subid lookup for
// unshare --map-auto reads a name so): the number at the start of s
// (blanks, a sign, digits; 0 when there is none; "-" negates in unsigned
// arithmetic), or 2^64-1 with overflow set when it does not fit.
func StrtoulPrefix(s string) (n uint64, overflow bool) {
	s = strings.TrimLeft(s, blanks)
	neg := s != "" && s[0] == '-'
	if s != "" && (neg || s[0] == '+') {
		s = s[1:]
	}
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	if digits == 0 {
		return 0, false
	}
	n, err := strconv.ParseUint(s[:digits], 10, 64)
	if err != nil {
		return math.MaxUint64, true
	}
	if neg {
		n = -n
	}
	return n, false
}
