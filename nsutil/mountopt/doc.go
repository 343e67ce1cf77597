// Package mountopt knows what mount(8)'s words mean to mount(2): an -o list
// split into MS_* flags and filesystem data, the propagation words of
// --make-* and unshare --propagation, and the kernel's state-transition
// table for propagation changes and binds (sharedsubtree.rst, section 5).
// Pure functions: no system call is made here.
package mountopt
