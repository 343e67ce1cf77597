package spawn

import "strconv"

// IDRange is a block of IDs to map into a new user namespace through
// newuidmap(1) or newgidmap(1) (unshare --map-users, --map-groups): Count
// IDs from Outer, outside, appear from Inner, inside.
type IDRange struct {
	Outer, Inner, Count uint32
}

// MapIDs is the pause phase of an unshare Spawn at which the user
// namespace exists and nstool runs newuidmap and newgidmap on the child
// (NewIDMapArgs): an unprivileged process may write only one line of its
// own ID to uid_map, so a range needs the setuid helpers, which check it
// against /etc/subuid and /etc/subgid (user_namespaces(7), subuid(5)).
const MapIDs = 2

// textMapIDs is the pause's text (--explain; Spawn names the commands).
const textMapIDs = "pause: nstool runs newuidmap and newgidmap on the child"

// NewIDMapArgs are the command lines (program first) that map the IDs of
// the user namespace of process pid: newuidmap's, then newgidmap's, for
// the ranges given.
func (c *UnshareConfig) NewIDMapArgs(pid int) [][]string {
	var out [][]string
	if c.UserRange != nil {
		out = append(out, append([]string{"newuidmap", strconv.Itoa(pid)}, idMapArgs(uint32(c.RealUID), c.MapUser, *c.UserRange)...))
	}
	if c.GroupRange != nil {
		out = append(out, append([]string{"newgidmap", strconv.Itoa(pid)}, idMapArgs(uint32(c.RealGID), c.MapGroup, *c.GroupRange)...))
	}
	return out
}

// idMapArgs are the "INNER OUTER COUNT" triples for newuidmap: the range
// alone when no single ID is mapped (inner < 0: no --map-user); else our
// own ID outer as inner first, then the range with a hole cut where outer
// or inner falls in it, as util-linux 2.38 cuts it (unshare(1): "the
// highest user ID of the mapping" may go unmapped), so that no two lines
// overlap, which the kernel refuses. Its arithmetic is unsigned int's
// (wrapping), its bounds inclusive; a part of no length is left out
// (newuidmap refuses a count of 0).
func idMapArgs(outer uint32, inner int, r IDRange) []string {
	triple := func(in, out, count uint32) []string {
		return []string{strconv.FormatUint(uint64(in), 10), strconv.FormatUint(uint64(out), 10), strconv.FormatUint(uint64(count), 10)}
	}
	if inner < 0 {
		return triple(r.Inner, r.Outer, r.Count)
	}
	in := uint32(inner)
	count := r.Count
	if outer >= r.Outer && outer <= r.Outer+count || in >= r.Inner && in <= r.Inner+count {
		count-- // one ID of the range goes to the single mapping's place
	}
	offset := func(id, base uint32) uint32 {
		if id > base {
			return min(id-base, count)
		}
		return 0
	}
	outerAt, innerAt := offset(outer, r.Outer), offset(in, r.Inner)
	// Three parts at most: below the lower of the two offsets, between
	// them, above the higher; each part starts one further where it would
	// start on the single mapping's ID.
	next := func(start, skip uint32) uint32 {
		if start == skip {
			return start + 1
		}
		return start
	}
	low := IDRange{Outer: r.Outer, Inner: r.Inner, Count: min(outerAt, innerAt)}
	mid := IDRange{Outer: next(low.Outer+low.Count, outer), Inner: next(low.Inner+low.Count, in),
		Count: max(outerAt, innerAt) - min(outerAt, innerAt)}
	high := IDRange{Outer: next(mid.Outer+mid.Count, outer), Inner: next(mid.Inner+mid.Count, in),
		Count: count - low.Count - mid.Count}
	args := triple(in, outer, 1)
	for _, part := range []IDRange{low, mid, high} {
		if part.Count != 0 {
			args = append(args, triple(part.Inner, part.Outer, part.Count)...)
		}
	}
	return args
}
