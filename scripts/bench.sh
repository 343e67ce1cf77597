#!/usr/bin/env bash
# make bench: times nstool beside util-linux on the same input. Each
# scripts/bench/*.sh covers one command and prints its own figures and ratios.
# Usage: scripts/bench.sh [path/to/nstool] [name...]   (names: findmnt, ls, unshare, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
export NSTOOL=$(realpath "${1:-bin/nstool}")
shift || true
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: run as root (benchmarks build mount tables and namespaces in throwaway namespaces)" >&2
	exit 1
fi
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd scripts/bench && ls *.sh 2>/dev/null | sed 's/\.sh$//'))
for n in "${names[@]}"; do
	echo "== $n"
	bash "scripts/bench/$n.sh"
done
