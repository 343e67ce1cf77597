#!/usr/bin/env bash
# nstool ls beside lsns on 2,000 processes, a sixth of them in new mount+uts
# namespaces. Everything runs inside a throwaway pid+mount namespace: when
# its init (the inner bash) exits or is killed, the kernel kills every
# process in it, and --kill-child kills that init if this script dies.
# Env: NSTOOL (the binary), LS_BENCH_PROCS (2000), LS_BENCH_RUNS (10),
# LS_BENCH_EXTRA (a command to time as well, e.g. a cinf built aside).
set -euo pipefail
: "${NSTOOL:?set NSTOOL to the nstool binary}"
export NSTOOL LS_BENCH_PROCS=${LS_BENCH_PROCS:-2000} LS_BENCH_RUNS=${LS_BENCH_RUNS:-10} LS_BENCH_EXTRA=${LS_BENCH_EXTRA:-}
exec unshare --pid --fork --kill-child --mount --mount-proc --propagation private bash -s <<'INNER'
set -euo pipefail
n=$LS_BENCH_PROCS
for ((i = 1; i <= n; i++)); do
	if ((i % 6 == 0)); then
		unshare --mount --uts sleep 1d &
	else
		sleep 1d &
	fi
done
# Wait until every sleeper has exec'd (unshare execs sleep in place).
while (($(grep -l '^sleep$' /proc/[0-9]*/comm 2>/dev/null | wc -l) < n)); do sleep 0.2; done
echo "processes: $(ls -d /proc/[0-9]* | wc -l), namespaces: $(lsns -n -o NS | wc -l) (lsns)"

# Both must agree before they are timed (run one after the other: each
# counts itself).
lsns -l -n -o NS,TYPE,NPROCS >/tmp/ls-bench-lsns.$$
"$NSTOOL" ls -l -n -o NS,TYPE,NPROCS >/tmp/ls-bench-nstool.$$
if ! diff -q /tmp/ls-bench-lsns.$$ /tmp/ls-bench-nstool.$$ >/dev/null; then
	echo "WARNING: nstool ls and lsns disagree on NS,TYPE,NPROCS" >&2
fi
rm -f /tmp/ls-bench-lsns.$$ /tmp/ls-bench-nstool.$$

# Each round times lsns and every nstool variant once, so that load from
# elsewhere hits them alike; wall and CPU (user+sys) milliseconds are summed.
variants=("ls" "ls -o NS,TYPE,NPROCS,PID,USER,COMMAND" "ls -o +PNS,ONS" "ls mnt -o NS,NPROCS,MOUNTS")
declare -A wall cpu
measure() { # name cmd...: adds one run's wall and CPU ms
	local name=$1 t r u s
	shift
	t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 )
	read -r r u s <<<"$t"
	wall[$name]=$(awk -v a="${wall[$name]:-0}" -v b="$r" 'BEGIN { print a + b * 1000 }')
	cpu[$name]=$(awk -v a="${cpu[$name]:-0}" -v b="$u" -v c="$s" 'BEGIN { print a + (b + c) * 1000 }')
}
lsns >/dev/null; "$NSTOOL" ls >/dev/null 2>&1 # warm up
for ((r = 0; r < LS_BENCH_RUNS; r++)); do
	measure lsns lsns
	measure "lsns -t mnt" lsns -t mnt
	measure "nstool ls mnt" "$NSTOOL" ls mnt
	for v in "${variants[@]}"; do measure "nstool $v" "$NSTOOL" $v; done
	if [ -n "$LS_BENCH_EXTRA" ]; then measure "$LS_BENCH_EXTRA" $LS_BENCH_EXTRA; fi
done
report() { # name [base]: the figures of name, and its ratios to base (lsns)
	local base=${2:-lsns}
	awk -v name="$1" -v w="${wall[$1]}" -v c="${cpu[$1]}" -v lw="${wall[$base]}" -v lc="${cpu[$base]}" -v n="$LS_BENCH_RUNS" -v b="$base" \
		'BEGIN { printf "%-42s wall %6.1f ms (%.2fx %s)   cpu %6.1f ms (%.2fx %s)\n", name, w / n, w / lw, b, c / n, c / lc, b }'
}
echo "mean of $LS_BENCH_RUNS runs, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
report lsns
for v in "${variants[@]}"; do report "nstool $v"; done
report "lsns -t mnt"
report "nstool ls mnt" "lsns -t mnt"
if [ -n "$LS_BENCH_EXTRA" ]; then report "$LS_BENCH_EXTRA"; fi
INNER
