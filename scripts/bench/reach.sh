#!/usr/bin/env bash
# nstool reach and nstool holders beside what people do today without them:
# a loop of nsenter + findmnt over lsns's list of mount namespaces. The
# machine: REACH_BENCH_NS (300) mount namespaces of REACH_BENCH_MOUNTS (500)
# mounts each, the first 50 of them shared, in a throwaway pid+mount
# namespace (--kill-child: nothing outlives the script).
# Env: NSTOOL (the binary), REACH_BENCH_NS, REACH_BENCH_MOUNTS, REACH_BENCH_RUNS (5).
set -euo pipefail
: "${NSTOOL:?set NSTOOL to the nstool binary}"
export NSTOOL REACH_BENCH_NS=${REACH_BENCH_NS:-300} REACH_BENCH_MOUNTS=${REACH_BENCH_MOUNTS:-500} REACH_BENCH_RUNS=${REACH_BENCH_RUNS:-5}
exec unshare --pid --fork --kill-child --mount --mount-proc --propagation private bash -s <<'INNER'
set -euo pipefail
base=/tmp/reach-bench
# The folder is made in the host's /tmp (this namespace shares its
# filesystem): removed however the script ends, once the namespace's
# tmpfs on it is gone with the namespace or unmounted here.
trap 'umount -R $base 2>/dev/null; rmdir $base 2>/dev/null || true' EXIT
mkdir -p $base && mount -t tmpfs reach-bench $base && mount --make-shared $base
have=$(wc -l </proc/self/mountinfo)
for ((i = 1; i <= REACH_BENCH_MOUNTS - have; i++)); do
	mkdir -p $base/m$i && mount -t tmpfs m$i $base/m$i
	((i > 50)) && mount --make-private $base/m$i
done
for ((i = 0; i < REACH_BENCH_NS - 1; i++)); do
	unshare --mount --propagation unchanged sleep 1d &
done
while (($(grep -l '^sleep$' /proc/[0-9]*/comm 2>/dev/null | wc -l) < REACH_BENCH_NS - 1)); do sleep 0.2; done
echo "mount namespaces: $(lsns -n -t mnt -o NS | wc -l), mounts each: $(wc -l </proc/self/mountinfo)"

# What people do today: every mount namespace's table, one nsenter + findmnt each.
today() {
	for pid in $(lsns -n -t mnt -o PID); do
		nsenter -t "$pid" -m findmnt -n -o TARGET,PROPAGATION >/dev/null
	done
}
declare -A wall
measure() { # name cmd...
	local name=$1 t
	shift
	t=$( { TIMEFORMAT='%R'; time "$@" >/dev/null 2>&1; } 2>&1 )
	wall[$name]=$(awk -v a="${wall[$name]:-0}" -v b="$t" 'BEGIN { print a + b * 1000 }')
}
"$NSTOOL" reach $base/m1 >/dev/null # warm up
for ((r = 0; r < REACH_BENCH_RUNS; r++)); do
	measure today today
	measure "nstool reach $base/m1" "$NSTOOL" reach $base/m1
	measure "nstool reach --umount $base/m1" "$NSTOOL" reach --umount $base/m1
	measure "nstool holders m1" "$NSTOOL" holders m1
done
echo "mean of $REACH_BENCH_RUNS runs, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for name in today "nstool reach $base/m1" "nstool reach --umount $base/m1" "nstool holders m1"; do
	awk -v name="$name" -v w="${wall[$name]}" -v t="${wall[today]}" -v n="$REACH_BENCH_RUNS" \
		'BEGIN { printf "%-40s wall %8.1f ms (%.3fx nsenter+findmnt over lsns)\n", name, w / n, w / t }'
done
INNER
