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

# Both must agree before they are timed.
if ! diff <(lsns -l -n -o NS,TYPE,NPROCS) <("$NSTOOL" ls -l -n -o NS,TYPE,NPROCS) >/dev/null; then
	echo "WARNING: nstool ls and lsns disagree on NS,TYPE,NPROCS" >&2
fi

# mean wall time of a command over LS_BENCH_RUNS runs, in milliseconds
timeit() {
	local runs=$LS_BENCH_RUNS start end
	"$@" >/dev/null 2>&1 || true # warm up
	start=$(date +%s%N)
	for ((r = 0; r < runs; r++)); do "$@" >/dev/null 2>&1 || true; done
	end=$(date +%s%N)
	echo $(((end - start) / runs / 1000000))
}
lsns_ms=$(timeit lsns)
ratio() { awk -v a="$1" -v b="$lsns_ms" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
printf '%-40s %6s ms\n' "lsns" "$lsns_ms"
for args in "ls" "ls -o NS,TYPE,NPROCS,PID,USER,COMMAND" "ls -o +PNS,ONS" "ls mnt -o NS,NPROCS,MOUNTS"; do
	ms=$(timeit "$NSTOOL" $args)
	printf '%-40s %6s ms  %s lsns\n' "nstool $args" "$ms" "$(ratio "$ms")"
done
if [ -n "$LS_BENCH_EXTRA" ]; then
	ms=$(timeit $LS_BENCH_EXTRA)
	printf '%-40s %6s ms  %s lsns\n' "$LS_BENCH_EXTRA" "$ms" "$(ratio "$ms")"
fi
INNER
