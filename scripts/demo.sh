#!/usr/bin/env bash
# make demo: every propagation state side by side, built in a throwaway mount
# namespace (nothing reaches the host: the namespace dies with this script)
# and shown with `nstool findmnt`.
set -euo pipefail
nstool=$(realpath "${1:-bin/nstool}")

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (it mounts tmpfs in a throwaway mount namespace)" >&2
	exit 1
fi

dir=$(mktemp -d /tmp/nstool-demo.XXXXXX)
trap 'rmdir "$dir" 2>/dev/null || true' EXIT

# unshare(1) --mount --propagation private: a new mount namespace whose
# mounts are all private copies, so none of ours propagates to the host.
unshare --mount --propagation private -- env NSTOOL="$nstool" D="$dir" bash -euo pipefail -c '
step() { printf "\n\033[1m# %s\033[0m\n" "$*"; }
run()  { printf "$ %s\n" "$*"; "$@"; }

mount -t tmpfs demo "$D"
cd "$D"
mkdir shared peer slave shared+slave private unbindable
run mount -t tmpfs src "$D/shared"
run mount --make-shared "$D/shared"
run mount --bind "$D/shared" "$D/peer"            # a bind of a shared mount joins its peer group
run mount --bind "$D/shared" "$D/slave"
run mount --make-slave "$D/slave"                  # receives from the group, sends nothing back
run mount --bind "$D/shared" "$D/shared+slave"
run mount --make-slave "$D/shared+slave"
run mount --make-shared "$D/shared+slave"          # a new group of its own, still a slave of the first
run mount -t tmpfs priv "$D/private"
run mount -t tmpfs unb "$D/unbindable"
run mount --make-unbindable "$D/unbindable"

step "the tree, as findmnt shows it"
run "$NSTOOL" findmnt -R -o TARGET,SOURCE,PROPAGATION "$D"

step "what findmnt hides: which peer group, which master"
run "$NSTOOL" findmnt -R -o TARGET,PROPAGATION,PEER-GROUP,MASTER "$D"

step "a mount under shared/ appears in its peer and its slaves, not in private/"
mkdir "$D/shared/sub"
run mount -t tmpfs new "$D/shared/sub"
run "$NSTOOL" findmnt -R -o TARGET,SOURCE,PROPAGATION "$D"
'
echo
echo "demo: done; the namespace and its mounts are gone with it"
