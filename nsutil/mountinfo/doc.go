// Package mountinfo reads the kernel's mount tables (/proc/PID/mountinfo,
// proc(5)): one Mount per line, its propagation (shared:N, master:N,
// unbindable) and the state that propagation puts it in (sharedsubtree.rst).
//
// Like every package under nsutil it returns data and typed errors and
// never prints.
package mountinfo
