#!/usr/bin/env bash
# make demo: lab 04 (shared, private, slave and unbindable side by side) run
# by nstool itself, step by step, with every step checked on the kernel. It
# runs in the lab's sandbox: its own mount and PID namespaces, gone when the
# demo ends, even if it is killed.
set -euo pipefail
nstool=$(realpath "${1:-bin/nstool}")

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (the lab mounts tmpfs in its own sandbox)" >&2
	exit 1
fi

before=$(cat /proc/self/mountinfo)
"$nstool" lab demo 04-types --no-pause
after=$(cat /proc/self/mountinfo)
if [ "$before" != "$after" ]; then
	echo "demo: the host's mount table changed" >&2
	exit 1
fi
echo
echo "demo: done; the sandbox, its namespaces and its mounts are gone (the host's mount table is unchanged)"
echo "demo: try it yourself: $nstool lab start 04-types"
