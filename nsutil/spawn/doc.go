// Package spawn starts programs in new or other namespaces as util-linux
// unshare(1) and nsenter(1) do: a command line becomes a plan (Spawn, a list
// of Steps: system calls as data) that a forked child, or the pre-runtime
// start, carries out with raw system calls only, then execve(2).
package spawn
