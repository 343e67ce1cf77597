#!/usr/bin/env bash
# The repeated places of the tree as the `duplicates` tool means them.
# Its README says import lines are passed over, but it passes over only
# the single-line form (import "x"): two files whose parenthesized import
# blocks share six lines are listed as a pair. This runs it twice: on the
# tree as it is, and on a copy in /tmp whose import blocks are written as
# single import lines (nothing else changes; the copy is removed).
# Usage: scripts/duplicates.sh [MOST] (rows at the most, 200; from the checkout's root)
set -euo pipefail
most=${1:-200}
echo "as the tree is:"
duplicates --most "$most" --seconds 300
copy=$(mktemp -d /tmp/nstool-duplicates.XXXXXX)
trap 'rm -rf "$copy"' EXIT
git ls-files -co --exclude-standard | while read -r f; do
	[ -f "$f" ] || continue
	mkdir -p "$copy/$(dirname "$f")"
	case $f in
	*.go) awk '/^import \($/ { block = 1; next }
		block && /^\)$/ { block = 0; next }
		block && /^[ \t]*(\/\/.*)?$/ { print; next }
		block { sub(/^[ \t]+/, ""); print "import " $0; next }
		{ print }' "$f" >"$copy/$f" ;;
	*) cp "$f" "$copy/$f" ;;
	esac
done
echo
echo "with import blocks passed over:"
(cd "$copy" && duplicates --most "$most" --seconds 300)
