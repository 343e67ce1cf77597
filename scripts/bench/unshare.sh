#!/usr/bin/env bash
# nstool unshare beside util-linux unshare: start-up cost of the three
# shapes a classroom loop uses. Uses hyperfine when installed (median of
# many runs), else batches of runs timed with date (median of batch means).
# Env: NSTOOL (the binary), UNSHARE_BENCH_RUNS (runs per batch, 40),
# UNSHARE_BENCH_BATCHES (9).
set -euo pipefail
: "${NSTOOL:?set NSTOOL to the nstool binary}"
runs=${UNSHARE_BENCH_RUNS:-40}
batches=${UNSHARE_BENCH_BATCHES:-9}
cases=(
	"--mount true"
	"--fork --pid --mount-proc true"
	"--user --map-root-user --mount true"
)

# median_ms CMD...: median over batches of the mean time of one run, in ms.
median_ms() {
	if command -v hyperfine >/dev/null; then
		local json
		json=$(mktemp)
		hyperfine -N -w 5 -r $((runs * batches)) --export-json "$json" "$*" >/dev/null 2>&1
		awk -F: '/"median"/ { gsub(/[ ,]/, "", $2); printf "%.2f\n", $2 * 1000; exit }' "$json"
		rm -f "$json"
		return
	fi
	local b r start end means=()
	"$@" >/dev/null 2>&1 # warm up
	for ((b = 0; b < batches; b++)); do
		start=$(date +%s%N)
		for ((r = 0; r < runs; r++)); do "$@" >/dev/null 2>&1; done
		end=$(date +%s%N)
		means+=("$(((end - start) / runs))")
	done
	printf '%s\n' "${means[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f\n", a[int((NR + 1) / 2)] / 1e6 }'
}

printf '%-45s %9s %9s %7s\n' "unshare ..." "util-linux" "nstool" "ratio"
for c in "${cases[@]}"; do
	# shellcheck disable=SC2086
	ul=$(median_ms unshare $c)
	# shellcheck disable=SC2086
	ns=$(median_ms "$NSTOOL" unshare $c)
	printf '%-45s %7s ms %6s ms %6.2fx\n' "$c" "$ul" "$ns" "$(awk -v a="$ns" -v b="$ul" 'BEGIN { print a / b }')"
done
