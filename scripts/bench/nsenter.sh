#!/usr/bin/env bash
# nstool nsenter beside util-linux nsenter: entering a target's namespaces,
# the way a second terminal into a lab does. The target is a util-linux
# unshare'd sleep (pid, mount, uts, ipc, net namespaces), killed at the end.
# Timed as startup.inc says.
# Env: NSTOOL, NSENTER_BENCH_RUNS (20), NSENTER_BENCH_BATCHES (15).
set -euo pipefail
: "${NSTOOL:?set NSTOOL to the nstool binary}"
runs=${NSENTER_BENCH_RUNS:-20}
batches=${NSENTER_BENCH_BATCHES:-15}

unshare --pid --mount --uts --ipc --net --fork --kill-child sleep infinity 2>/dev/null &
holder=$!
# The sleep first: unshare --fork then reaps it and exits (it blocks SIGTERM).
trap 'kill -KILL ${target:-$holder} 2>/dev/null; wait 2>/dev/null' EXIT
target=
for _ in $(seq 100); do
	target=$(cat /proc/$holder/task/$holder/children 2>/dev/null | tr -d ' ')
	[ -n "$target" ] && break
	sleep 0.01
done
. "$(dirname "$0")/startup.inc"
compare_startup nsenter "$target" "-t $target -m true" "-t $target -a true" "-t $target -m -p true"
