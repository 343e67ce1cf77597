// Package mountinfo reads the kernel's mount tables (/proc/PID/mountinfo,
// proc(5)): one Mount per line, its propagation (shared:N, master:N,
// unbindable) and the state that propagation puts it in (sharedsubtree.rst).
//
// There is one tokenizer (tokenize.go), which splits a line the way
// libmount does. Two readings sit on top of it:
//
//   - the strict one (ParseLine, Parse, Read) refuses what the kernel never
//     writes: a bad number, a malformed optional field, a missing field;
//   - the lenient one (ParseLineLenient) keeps every line libmount keeps,
//     with the values libmount gives it, for findmnt --tab-file.
//
// A Table answers the questions callers keep asking of a mount table: the
// mount on top at a path, a mount by ID, the mounts under a path or a
// mount, the table with its peer groups renamed for comparison.
//
// Like every package under nsutil it returns data and typed errors and
// never prints.
package mountinfo
