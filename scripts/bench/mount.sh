#!/usr/bin/env bash
# mount/umount beside util-linux on the same tree, in a throwaway namespace:
# --make-rshared and --make-rprivate over a tree of N mounts, rbind of the
# tree, and umount -R of the copy. Prints seconds per run and the ratio.
set -euo pipefail
N=${N:-1000}
RUNS=${RUNS:-20}
exec unshare --mount --propagation private bash -s "$NSTOOL" "$N" "$RUNS" <<'INNER'
set -euo pipefail
NSTOOL=$1 N=$2 RUNS=$3
D=$(mktemp -d)
mount -t tmpfs bench "$D"
mkdir "$D/tree" "$D/copy"
mount -t tmpfs tree "$D/tree"
for i in $(seq "$N"); do mkdir "$D/tree/m$i"; mount -t tmpfs "m$i" "$D/tree/m$i"; done

timeit() { # timeit RUNS cmd...: mean seconds per run
	local runs=$1; shift
	local t0 t1
	t0=$(date +%s.%N)
	for _ in $(seq "$runs"); do "$@" >/dev/null; done
	t1=$(date +%s.%N)
	echo "scale=4; ($t1 - $t0) / $runs" | bc
}
row() { # row NAME UL-CMD... -- NS-CMD...
	local name=$1; shift
	local ul=() ns=()
	while [ "$1" != "--" ]; do ul+=("$1"); shift; done; shift
	ns=("$@")
	local a b
	a=$(timeit "$RUNS" "${ul[@]}")
	b=$(timeit "$RUNS" "${ns[@]}")
	printf '%-34s util-linux %8ss  nstool %8ss  ratio %s\n' "$name" "$a" "$b" "$(echo "scale=2; $b / $a" | bc)"
}
echo "tree of $N mounts, $RUNS runs each"
row "mount --make-rshared" mount --make-rshared "$D/tree" -- "$NSTOOL" mount --make-rshared "$D/tree"
row "mount --make-rprivate" mount --make-rprivate "$D/tree" -- "$NSTOOL" mount --make-rprivate "$D/tree"
row "mount --make-private (one mount)" mount --make-private "$D/tree/m1" -- "$NSTOOL" mount --make-private "$D/tree/m1"
rb() { "$@" --rbind "$D/tree" "$D/copy" && umount -l "$D/copy"; }
row "mount --rbind (+ umount -l)" rb mount -- rb "$NSTOOL" mount
ur() { mount --rbind "$D/tree" "$D/copy"; "$@" -R "$D/copy"; }
row "umount -R (after mount --rbind)" ur umount -- ur "$NSTOOL" umount
umount -l "$D"
INNER
