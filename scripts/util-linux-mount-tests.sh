#!/usr/bin/env bash
# Runs util-linux's own mount tests (tests/ts/mount/shared-subtree and
# remount by default) against nstool, in a throwaway mount namespace.
# Usage: scripts/util-linux-mount-tests.sh UTIL_LINUX_SRC [path/to/nstool] [test...]
# UTIL_LINUX_SRC is a util-linux source tree (e.g. `git archive v2.38.1 tests`
# of github.com/util-linux/util-linux); nothing of it is kept in this repo.
# FINDMNT=/usr/bin/findmnt uses util-linux findmnt instead of nstool's.
set -euo pipefail
src=$(realpath "$1")
nstool=$(realpath "${2:-bin/nstool}")
shift 2 || shift $#
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(shared-subtree remount)
[ "$(id -u)" -eq 0 ] || { echo "run as root (the tests mount)" >&2; exit 1; }
wrap=$(mktemp -d)
trap 'rm -rf "$wrap"' EXIT
for verb in mount umount findmnt; do
	printf '#!/bin/sh\nexec %q %s "$@"\n' "$nstool" "$verb" >"$wrap/$verb"
	chmod +x "$wrap/$verb"
done
status=0
for t in "${tests[@]}"; do
	TS_CMD_MOUNT=$wrap/mount TS_CMD_UMOUNT=$wrap/umount TS_CMD_FINDMNT=${FINDMNT:-$wrap/findmnt} \
	TS_CMD_LOSETUP=$(command -v losetup) TS_CMD_BLKID=$(command -v blkid) TS_CMD_WIPEFS=$(command -v wipefs) \
		unshare --mount --propagation private \
		bash "$src/tests/ts/mount/$t" --srcdir="$src" --builddir="$src" --show-diff || status=1
done
exit $status
