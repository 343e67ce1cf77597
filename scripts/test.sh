#!/usr/bin/env bash
# Runs every test and proves the host was left as it was: the mount table
# after the suite must equal the one before it, and no nstool process may be
# left running, nor any process the suite started in a namespace of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

# The mount table, util-linux's record of userspace mount options
# (/run/mount/utab: a file, which no mount namespace keeps from the host)
# and libblkid's cache (/run/blkid: mount LABEL=... writes it).
snapshot() {
	cat /proc/self/mountinfo; echo "-- /run/mount/utab"; cat /run/mount/utab 2>/dev/null || true
	echo "-- /run/blkid"; ls /run/blkid 2>/dev/null || true
}
# Cgroups that the owner tests make (named as container runtimes name
# theirs) live under nstool-test-RUN-PID, RUN this run's mark below
# (nstest.Cgroup); a killed run may leave them, empty. Another run on the
# machine has its own: only those of a run whose script is gone are removed.
test_cgroups() { find /sys/fs/cgroup/unified /sys/fs/cgroup -maxdepth 1 -name "nstool-test-${1:-}*" -type d 2>/dev/null; }
for dir in $(test_cgroups); do
	run=${dir##*/nstool-test-} run=${run%%_*}
	if [[ $run =~ ^[0-9]+$ ]] && kill -0 "$run" 2>/dev/null; then continue; fi # that run goes on
	find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
done
before=$(mktemp) after=$(mktemp)
# Tests that need root and were skipped (nstest.RequireRoot), one line each.
rootskips=$(mktemp)
trap 'rm -f "$before" "$after" "$rootskips"' EXIT
snapshot >"$before"
# Every process the suite starts inherits this mark in its environment (but
# for the few that a test starts with an environment of its own): it tells
# the suite's leftovers from whatever else runs on the machine.
run=$$.$RANDOM$RANDOM
mark="NSTOOL_TEST_RUN=$run"
status=0
# TEST_PACKAGES: which packages (default all; `make test-plain` names those
# whose tests start nstool as a process).
read -r -a packages <<<"${TEST_PACKAGES:-./...}"
env "$mark" NSTOOL_TEST_ROOT_SKIPS="$rootskips" go test -count=1 "$@" "${packages[@]}" || status=$?
if [ -s "$rootskips" ]; then
	echo "not covered: $(wc -l <"$rootskips") tests need root and were skipped (run as root to cover them):"
	sort "$rootskips" | awk '{ name = substr($0, length($1) + 2) }
		$1 != pkg { if (pkg != "") print line; pkg = $1; line = "  " pkg ": " name; next }
		{ line = line ", " name } END { print line }'
fi

snapshot >"$after"
if ! diff -u "$before" "$after"; then
	echo "FAIL: the tests changed the host's mount table or /run/mount/utab (diff above)" >&2
	status=1
fi
if [ -n "$(test_cgroups "${run/./_}-")" ]; then
	echo "FAIL: the tests left cgroups behind: $(test_cgroups "${run/./_}-")" >&2
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
# Processes the suite started that outlive it (by the mark), holding a
# namespace this script is not in: a namespace a test made and did not end.
held=()
for dir in /proc/[0-9]*; do
	{ tr '\0' '\n' <"$dir/environ"; } 2>/dev/null | grep -qxF "$mark" || continue
	for ns in mnt pid user net uts ipc; do
		link=$(readlink "$dir/ns/$ns" 2>/dev/null) || continue
		if [ "$link" != "$(readlink /proc/$$/ns/$ns)" ]; then
			held+=("${dir#/proc/}:$link")
			break
		fi
	done
done
if [ ${#held[@]} -gt 0 ]; then
	echo "FAIL: processes the tests started outlive them in namespaces of their own: ${held[*]}" >&2
	ps -o pid,ppid,args -p "$(printf '%s\n' "${held[@]%%:*}" | paste -sd,)" >&2 || true
	status=1
fi
if [ "$status" -eq 0 ]; then
	if [ -s "$rootskips" ]; then
		echo "ok: all tests that ran passed (not the root ones above; ${NSTOOL_BIN:-nstool built by the tests}); host mount table unchanged"
	else
		echo "ok: all tests passed (${NSTOOL_BIN:-nstool built by the tests}); host mount table unchanged"
	fi
fi
exit "$status"
