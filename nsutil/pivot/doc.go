// Package pivot makes pivot_root(2) as data (Call, shown by `nstool
// pivot_root --explain` and made by Do) and, when the call fails or before
// it is made, tells which of the kernel's conditions fail (Check): read from
// the mount table (nsutil/mountinfo), statx(2) and statmount(2), in the
// order the kernel checks them, each with the usual fix.
package pivot
