// Package namespaces names and identifies Linux namespaces: the eight types
// (namespaces(7)) and their CLONE_NEW* flags, a namespace's identity (device
// and inode of its nsfs file, the kernel's 64-bit ID) and its relations
// through the nsfs ioctls (owner, parent, creator; ioctl_ns(2)).
package namespaces
