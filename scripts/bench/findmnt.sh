#!/usr/bin/env bash
# findmnt on a huge mount table: nstool beside util-linux findmnt.
#
# In a throwaway mount namespace (unshare --mount --propagation private:
# nothing reaches the host, and the kernel drops every mount when the
# namespace dies), a tmpfs is rbind-mounted onto its own subdirectories
# 14 times; each rbind copies the whole tree so far, giving 2^14 = 16384
# mounts. Both tools then print the tree and the list of that table,
# RUNS times each; the medians and their ratio are printed.
#
# Env: NSTOOL (path of nstool), RUNS (default 5), DOUBLINGS (default 14).
set -euo pipefail
nstool=${NSTOOL:-$(realpath bin/nstool)}
runs=${RUNS:-5}
doublings=${DOUBLINGS:-14}
dir=$(mktemp -d /tmp/nstool-bench.XXXXXX)
trap 'rmdir "$dir" 2>/dev/null || true' EXIT

unshare --mount --propagation private -- env NSTOOL="$nstool" D="$dir" RUNS="$runs" N="$doublings" \
	bash -euo pipefail -c '
mount -t tmpfs bench "$D"
for i in $(seq 1 "$N"); do mkdir "$D/d$i"; done
for i in $(seq 1 "$N"); do mount --rbind "$D" "$D/d$i"; done
total=$(wc -l </proc/self/mountinfo)
echo "mount table: $total mounts"

# "wall cpu" seconds of one run of "$@" (cpu = user + system: less
# sensitive than wall time to other load on the machine), output discarded.
# CPU comes from perf'"'"'s task-clock where perf is installed (to the
# microsecond; the kernel'"'"'s floor takes about 20 ms), else from time(1)
# (to 10 ms).
one() {
	if command -v perf >/dev/null; then
		local start end cpu
		start=$(date +%s%N)
		cpu=$(perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, "/task-clock/ {printf \"%.4f\", \$1 / 1000}")
		end=$(date +%s%N)
		echo "$(echo "($end - $start) / 1000000000" | bc -l) $cpu"
		return
	fi
	/usr/bin/time -f "%e %U %S" -o /dev/stderr "$@" 2>&1 >/dev/null | tail -1 |
		awk "{printf \"%s %.2f\n\", \$1, \$2 + \$3}"
}
median() { sort -g | awk "{a[NR]=\$1} END {m=a[int((NR+1)/2)]; printf \"%.4f\", m}"; }
measure() {
	local runs
	runs=$(for r in $(seq 1 "$RUNS"); do one "$@"; done)
	echo "$(cut -d" " -f1 <<<"$runs" | median) $(cut -d" " -f2 <<<"$runs" | median)"
}

# Same bytes first: the comparison only counts if both print the same.
for args in "" "-l"; do
	if ! cmp -s <(findmnt $args) <("$NSTOOL" findmnt $args); then
		echo "WARNING: nstool findmnt $args differs from util-linux on this table" >&2
	fi
done

# The kernel'"'"'s floor: writing the table as text is work both tools pay
# before they parse a byte of it. It is timed in pairs with each nstool
# run (cat, then nstool), and cpu/cat is the median of the pairs'"'"' ratios:
# load from elsewhere moves the two alike, where medians taken apart
# can differ by half.
floor_ratio() {
	local r
	for r in $(seq 1 "$RUNS"); do
		read -r _ kc <<<"$(one cat /proc/self/mountinfo)"
		read -r _ nc <<<"$(one "$@")"
		echo "$nc / ($kc + 0.0001)" | bc -l
	done | median
}
read -r kw kc <<<"$(measure cat /proc/self/mountinfo)"
echo "median of $RUNS runs; wall-clock seconds, and CPU (user+sys) seconds in brackets"
echo "cat /proc/self/mountinfo (the kernel'"'"'s floor): ${kw}s (${kc}s)"
printf "%-30s %20s %20s %8s %8s %8s\n" "case" "util-linux" "nstool" "wall" "cpu" "cpu/cat"
for args in "" "-l" "-J" "-o TARGET,PROPAGATION"; do
	read -r uw uc <<<"$(measure findmnt $args)"
	read -r nw nc <<<"$(measure "$NSTOOL" findmnt $args)"
	printf "%-30s %9ss (%6ss) %9ss (%6ss) %8.3f %8.3f %8.2f\n" "findmnt ${args:-(tree)}" "$uw" "$uc" "$nw" "$nc" \
		"$(echo "$nw / $uw" | bc -l)" "$(echo "$nc / ($uc + 0.0001)" | bc -l)" "$(floor_ratio "$NSTOOL" findmnt $args)"
done
# no umount -R: unmounting 16,000 mounts one by one takes umount(8) many
# minutes; the kernel drops them all at once when this namespace dies.
'
