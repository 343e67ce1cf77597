#!/usr/bin/env bash
# Runs util-linux's findmnt test suite (every test of tests/ts/findmnt)
# against nstool findmnt, as util-linux HEAD's findmnt: see
# docs/findmnt.md ("util-linux's own test suite").
# Usage: scripts/util-linux-findmnt-tests.sh UTIL_LINUX_SRC [path/to/nstool] [test...]
# UTIL_LINUX_SRC is a util-linux source tree with its tests, e.g.
#   git --git-dir=UTIL_LINUX.git archive HEAD tests | tar -x -C /tmp/ul
# tests are names under tests/ts/findmnt (all of them by default).
# NSTOOL_FINDMNT_COMPAT=2.38 runs nstool as 2.38.1 instead (for a 2.38
# tree).
set -euo pipefail
src=$1
nstool=${2:-bin/nstool}
shift 2 || shift $#
tests=()
for t in "$@"; do
	tests+=("findmnt/$t")
done
[ ${#tests[@]} -gt 0 ] || tests=(findmnt)
export NSTOOL_FINDMNT_COMPAT=${NSTOOL_FINDMNT_COMPAT:-head}
exec "$(dirname "$0")/util-linux-mount-tests.sh" "$src" "$nstool" "${tests[@]}"
