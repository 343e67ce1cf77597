#!/usr/bin/env bash
# nstool nsenter beside util-linux nsenter: entering a target's namespaces,
# the way a second terminal into a lab does. The target is a util-linux
# unshare'd sleep (pid, mount, uts, ipc, net namespaces), killed at the end.
# Both run in alternating batches (see unshare.sh); medians of the batches.
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
cases=("-t $target -m true" "-t $target -a true" "-t $target -m -p true")

batch_us() {
	local r start end
	start=$(date +%s%N)
	for ((r = 0; r < runs; r++)); do "$@" >/dev/null 2>&1; done
	end=$(date +%s%N)
	echo $(((end - start) / runs / 1000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '%-40s %12s %12s %7s\n' "nsenter ..." "util-linux" "nstool" "ratio"
for c in "${cases[@]}"; do
	ul=() ns=() ratios=()
	for ((b = 0; b < batches; b++)); do
		# shellcheck disable=SC2086
		u=$(batch_us nsenter $c)
		# shellcheck disable=SC2086
		n=$(batch_us "$NSTOOL" nsenter $c)
		ul+=("$u") ns+=("$n")
		ratios+=("$(awk -v a="$n" -v b="$u" 'BEGIN { printf "%.4f", a / b }')")
	done
	printf '%-40s %9.2f ms %9.2f ms %6.2fx\n' "${c/$target/PID}" \
		"$(printf '%s\n' "${ul[@]}" | median | awk '{ print $1 / 1000 }')" \
		"$(printf '%s\n' "${ns[@]}" | median | awk '{ print $1 / 1000 }')" \
		"$(printf '%s\n' "${ratios[@]}" | median)"
done
