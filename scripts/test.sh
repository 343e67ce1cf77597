#!/usr/bin/env bash
# Runs every test and proves the host was left as it was: the mount table
# after the suite must equal the one before it, and no nstool process may be
# left running.
set -euo pipefail
cd "$(dirname "$0")/.."

snapshot() { cat /proc/self/mountinfo; }
before=$(mktemp) after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
snapshot >"$before"

status=0
go test -count=1 "$@" ./... || status=$?

snapshot >"$after"
if ! diff -u "$before" "$after"; then
	echo "FAIL: the tests changed the host's mount table (diff above)" >&2
	status=1
fi
# Processes still running the binary under test (tests start it as $NSTOOL_BIN).
left=()
if [ -n "${NSTOOL_BIN:-}" ]; then
	bin=$(realpath "$NSTOOL_BIN")
	for exe in /proc/[0-9]*/exe; do
		[ "$(readlink "$exe" 2>/dev/null)" = "$bin" ] && left+=("${exe//[!0-9]/}")
	done
fi
if [ ${#left[@]} -gt 0 ]; then
	echo "FAIL: nstool processes left running: ${left[*]}" >&2
	ps -o pid,ppid,args -p "$(IFS=,; echo "${left[*]}")" >&2 || true
	status=1
fi
[ "$status" -eq 0 ] && echo "ok: all tests passed; host mount table unchanged"
exit "$status"
