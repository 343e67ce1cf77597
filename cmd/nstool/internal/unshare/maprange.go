package unshare

import (
	"bufio"
	"errors"
	"io"
	"math"
	"os"
	"os/user"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/nsutil/spawn"
	"github.com/nstool/nstool/nsutil/sysfmt"
)

// The files of subordinate IDs (subuid(5)) that --map-users=auto,
// --map-groups=auto and --map-auto read.
const (
	subUIDFile = "/etc/subuid"
	subGIDFile = "/etc/subgid"
)

// mapRange reads the value of --map-users or --map-groups: "auto", the
// first range of file for the user uid (subIDRange), or
// OUTER,INNER,COUNT (parseMapRange).
func mapRange(value, file string, uid int) (*spawn.IDRange, error) {
	if value == "auto" {
		return subIDRange(file, uid)
	}
	return parseMapRange(value)
}

// parseMapRange reads OUTER,INNER,COUNT as util-linux 2.38's
// string_to_idarray reads it: fields end at a comma, but the last runs to
// the end of the string, a trailing comma included ("1,2,3," fails on
// "3,"); an empty field, an empty value, a fourth field, or an ID whose
// low 32 bits are those of -1 make "too many elements"; fewer than three,
// "contains only N elements". Each ID is read as strtoul(3) reads it
// (blanks, a sign), from at most its first idDigits bytes, and keeps its
// low 32 bits.
func parseMapRange(s string) (*spawn.IDRange, error) {
	tooMany := cli.Exitf(1, "too many elements for mapping '%s'", s)
	var ids []uint32
	for _, f := range cli.SplitIDList(s) {
		if len(ids) == 3 || f.Text == "" {
			return nil, tooMany
		}
		field := f.Text
		if len(field) > idDigits {
			field = field[:idDigits]
		}
		n, err := cli.ParseStrtoul(field, "could not parse ID")
		if err != nil {
			return nil, err
		}
		if uint32(n) == math.MaxUint32 { // (int)-1, the parser's "unknown item"
			return nil, tooMany
		}
		ids = append(ids, uint32(n))
	}
	if len(s) == 0 {
		return nil, tooMany
	}
	if len(ids) != 3 {
		return nil, cli.Exitf(1, "mapping '%s' contains only %d elements", s, len(ids))
	}
	return &spawn.IDRange{Outer: ids[0], Inner: ids[1], Count: ids[2]}, nil
}

// idDigits is how much of a field util-linux 2.38.1 reads: it copies each
// into a buffer the size of the text of ULONG_MAX's definition in
// <limits.h>, which is 34 bytes with Debian's glibc and gcc (measured: a
// field of 34 characters is read as its first 33).
const idDigits = 33

// subIDRange is the first range of file (/etc/subuid or /etc/subgid)
// that belongs to the user uid, mapped at 0, as util-linux 2.38 finds it:
// a line "NAME:START:COUNT" belongs to the user when NAME is the user's
// name, or when strtoul(3) reads NAME as the uid; so for root (uid 0) the
// first line of any name that is not a number belongs to root too, as
// it does in util-linux. A line without two colons is passed over;
// START and COUNT are numbers as strtoul_or_err reads them (COUNT runs
// to the end of the line).
func subIDRange(file string, uid int) (*spawn.IDRange, error) {
	u, err := user.LookupId(strconv.Itoa(uid))
	if err != nil {
		return nil, cli.Exitf(1, "you (user %d) don't exist.", uid)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, cli.Exitf(1, "could not open '%s': %s", file, cli.Strerror(err))
	}
	defer f.Close()
	// util-linux reports the miss with err(3), so with whatever errno the
	// last call left: 0 ("Success"), unless strtoul(3) overflowed on a name.
	errno := "Success"
	r := bufio.NewReader(f)
	for {
		line, rerr := r.ReadString('\n')
		if line == "" && rerr != nil {
			if !errors.Is(rerr, io.EOF) {
				return nil, cli.Exitf(1, "could not read '%s': %s", file, cli.Strerror(rerr))
			}
			break
		}
		name, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		n, overflow := cli.StrtoulPrefix(name)
		if overflow {
			errno = sysfmt.Strerror(unix.ERANGE)
		}
		if name != u.Username && n != uint64(uid) {
			continue
		}
		start, count, ok := strings.Cut(rest, ":")
		if !ok {
			continue
		}
		count, _, _ = strings.Cut(count, "\n")
		outer, err := cli.ParseStrtoul(start, "failed to parse subid map")
		if err != nil {
			return nil, err
		}
		size, err := cli.ParseStrtoul(count, "failed to parse subid map")
		if err != nil {
			return nil, err
		}
		return &spawn.IDRange{Outer: uint32(outer), Inner: 0, Count: uint32(size)}, nil
	}
	return nil, cli.Exitf(1, "no line matching user \"%s\" in %s: %s", u.Username, file, errno)
}
