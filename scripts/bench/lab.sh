#!/usr/bin/env bash
# How long a lab takes to verify (a fresh sandbox, setup, every command of the
# reference solution, every check), and what a sandbox costs alone: the bar
# is 3 s a lab. No util-linux counterpart; for scale, the cost of
# `unshare --mount --pid --fork true` is printed beside it.
set -euo pipefail
: "${NSTOOL:?}"
runs=5
ms() { local s=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N) - s) / 1000000 )); }
best() { local b=999999 t; for _ in $(seq $runs); do t=$(ms "$@"); ((t < b)) && b=$t; done; echo "$b"; }

printf '%-16s %8s\n' "lab" "best ms"
for id in $("$NSTOOL" lab list --json | sed -n 's/.*"id": "\(.*\)".*/\1/p'); do
	printf '%-16s %8s\n' "$id" "$(best "$NSTOOL" lab verify "$id")"
done
u=$(best unshare --mount --pid --fork true)
printf '%-16s %8s   (util-linux unshare --mount --pid --fork true: %s ms)\n' "all labs" "$(best "$NSTOOL" lab verify)" "$u"
