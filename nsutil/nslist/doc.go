// Package nslist finds every namespace on the machine: one pass over /proc
// (each process's /proc/PID/ns links, command and cgroups), namespaces held
// only by nsfs bind mounts, mount counts and network namespace IDs; the
// data behind `nstool ls` (lsns(8), cinf).
package nslist
