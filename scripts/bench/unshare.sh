#!/usr/bin/env bash
# nstool unshare beside util-linux unshare: the start-up cost of the three
# shapes a classroom loop uses. Both run in alternating batches, so that
# both see the same machine load; the figures are medians over the batches
# (wall time of one run), the ratio the median of the per-batch ratios.
# Env: NSTOOL (the binary), UNSHARE_BENCH_RUNS (runs per batch, 20),
# UNSHARE_BENCH_BATCHES (15).
set -euo pipefail
: "${NSTOOL:?set NSTOOL to the nstool binary}"
runs=${UNSHARE_BENCH_RUNS:-20}
batches=${UNSHARE_BENCH_BATCHES:-15}
cases=(
	"--mount true"
	"--fork --pid --mount-proc true"
	"--user --map-root-user --mount true"
)

# batch_us CMD...: mean wall time of one run over a batch, in microseconds.
batch_us() {
	local r start end
	start=$(date +%s%N)
	for ((r = 0; r < runs; r++)); do "$@" >/dev/null 2>&1; done
	end=$(date +%s%N)
	echo $(((end - start) / runs / 1000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '%-40s %12s %12s %7s\n' "unshare ..." "util-linux" "nstool" "ratio"
for c in "${cases[@]}"; do
	# shellcheck disable=SC2086
	unshare $c >/dev/null 2>&1 && "$NSTOOL" unshare $c >/dev/null 2>&1 # warm up
	ul=() ns=() ratios=()
	for ((b = 0; b < batches; b++)); do
		# shellcheck disable=SC2086
		u=$(batch_us unshare $c)
		# shellcheck disable=SC2086
		n=$(batch_us "$NSTOOL" unshare $c)
		ul+=("$u") ns+=("$n")
		ratios+=("$(awk -v a="$n" -v b="$u" 'BEGIN { printf "%.4f", a / b }')")
	done
	printf '%-40s %9.2f ms %9.2f ms %6.2fx\n' "$c" \
		"$(printf '%s\n' "${ul[@]}" | median | awk '{ print $1 / 1000 }')" \
		"$(printf '%s\n' "${ns[@]}" | median | awk '{ print $1 / 1000 }')" \
		"$(printf '%s\n' "${ratios[@]}" | median)"
done
