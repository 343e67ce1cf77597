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
if pids=$(pgrep -x nstool); then
	echo "FAIL: nstool processes left running: $pids" >&2
	status=1
fi
[ "$status" -eq 0 ] && echo "ok: all tests passed; host mount table unchanged"
exit "$status"
