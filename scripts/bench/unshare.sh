#!/usr/bin/env bash
# nstool unshare beside util-linux unshare: the start-up cost of the three
# shapes a classroom loop uses (see startup.inc for how they are timed).
# Env: NSTOOL (the binary), UNSHARE_BENCH_RUNS (runs per batch, 20),
# UNSHARE_BENCH_BATCHES (15).
set -euo pipefail
: "${NSTOOL:?set NSTOOL to the nstool binary}"
runs=${UNSHARE_BENCH_RUNS:-20}
batches=${UNSHARE_BENCH_BATCHES:-15}
. "$(dirname "$0")/startup.inc"
compare_startup unshare "" \
	"--mount true" \
	"--fork --pid --mount-proc true" \
	"--user --map-root-user --mount true"
