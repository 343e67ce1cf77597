// Package crossns models every mount namespace of the machine at once:
// their tables read side by side, peer groups and master links joined
// across them (shared:N and master:N are machine-wide numbers), and what
// follows from the kernel's rules (Documentation/filesystems/sharedsubtree.rst,
// fs/pnode.c): which namespaces a mount or an unmount made at a path
// reaches, where and how, and for every other namespace why not.
//
// The model is pure (Machine is data; Reach reads nothing), so that the
// tests can check its predictions against the kernel on generated
// scenarios, and Load fills it from /proc.
package crossns
