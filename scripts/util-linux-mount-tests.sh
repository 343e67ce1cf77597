#!/usr/bin/env bash
# Runs util-linux's own tests against nstool, each in a throwaway mount
# namespace: tests/ts/mount/shared-subtree and remount by default.
# Usage: scripts/util-linux-mount-tests.sh UTIL_LINUX_SRC [path/to/nstool] [test...]
# A test is NAME (tests/ts/mount/NAME), DIR/NAME (tests/ts/DIR/NAME), or
# DIR, every test of tests/ts/DIR (scripts/util-linux-findmnt-tests.sh runs
# DIR=findmnt). At the end it prints how many sub-tests passed (a test
# without sub-tests counts as one).
# UTIL_LINUX_SRC is a util-linux source tree (e.g. `git archive v2.38.1 tests`
# of github.com/util-linux/util-linux); nothing of it is kept in this repo.
# FINDMNT=/usr/bin/findmnt uses util-linux findmnt instead of nstool's;
# NSTOOL_FINDMNT_COMPAT (see docs/findmnt.md) is passed on to nstool.
set -euo pipefail
src=$(realpath "$1")
nstool=$(realpath "${2:-bin/nstool}")
shift 2 || shift $#
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(shared-subtree remount)
[ "$(id -u)" -eq 0 ] || { echo "run as root (the tests mount)" >&2; exit 1; }
tests=()
for n in "${names[@]}"; do
	if [ -d "$src/tests/ts/$n" ]; then
		for t in "$src/tests/ts/$n"/*; do
			[ -f "$t" ] && tests+=("$t")
		done
	elif [[ $n == */* ]]; then
		tests+=("$src/tests/ts/$n")
	else
		tests+=("$src/tests/ts/mount/$n")
	fi
done
# The "build directory" is a fresh temporary one: the tests write their
# output and images there, and find there the commands (nstool's) and
# test_sysinfo, the one util-linux helper they ask (whether the kernel has
# statmount(2) and listmount(2), which came in Linux 6.8).
wrap=$(mktemp -d)
trap 'rm -rf "$wrap"' EXIT
for verb in mount umount findmnt; do
	printf '#!/bin/sh\nexec %q %s "$@"\n' "$nstool" "$verb" >"$wrap/$verb"
	chmod +x "$wrap/$verb"
done
cat >"$wrap/test_sysinfo" <<'EOF_HELPER'
#!/bin/sh
case "$1" in
statmount-ok | listmount-ok)
	v=$(uname -r) maj=${v%%.*} rest=${v#*.} min=${rest%%[!0-9]*}
	if [ "$maj" -gt 6 ] || { [ "$maj" -eq 6 ] && [ "$min" -ge 8 ]; }; then echo 1; else echo 0; fi ;;
*) exit 1 ;;
esac
EOF_HELPER
chmod +x "$wrap/test_sysinfo"
# libblkid (blkid(8), which some tests run) keeps its cache there too,
# not in the machine's /run/blkid.
export BLKID_FILE=$wrap/blkid.tab
status=0
for t in "${tests[@]}"; do
	TS_CMD_MOUNT=$wrap/mount TS_CMD_UMOUNT=$wrap/umount TS_CMD_FINDMNT=${FINDMNT:-$wrap/findmnt} \
	TS_CMD_LOSETUP=$(command -v losetup) TS_CMD_BLKID=$(command -v blkid) TS_CMD_WIPEFS=$(command -v wipefs) \
	TS_CMD_HEXDUMP=$(command -v hexdump) \
		unshare --mount --propagation private \
		bash "$t" --srcdir="$src" --builddir="$wrap" --show-diff --parsable || true
done | tee "$wrap/results"
# --parsable prints one line per sub-test ("findmnt: outputs: [03] list ...
# OK"), and one per test that sums its sub-tests up ("(all 26 sub-tests
# PASSED)", not counted again).
grep -v 'sub-tests' "$wrap/results" | awk '
	/\.\.\. ?OK/ { ok++ } / \.\.\. ?FAILED/ { failed++ } /\.\.\. ?SKIPPED/ { skipped++ }
	END { printf "%d of %d sub-tests passed, %d failed, %d skipped\n", ok, ok + failed, failed, skipped }'
grep -q '\.\.\. \?FAILED' "$wrap/results" && status=1
exit $status
