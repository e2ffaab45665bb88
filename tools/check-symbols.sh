#!/usr/bin/env bash
# Fails when a subsystem library exports a symbol without its subsystem's
# prefix (STYLE: exported symbols are prefixed), so two libraries can never
# clash and a reader knows where a function lives from its name.
# Usage: tools/check-symbols.sh BUILD_DIR
set -euo pipefail
cd "${1:?usage: check-symbols.sh BUILD_DIR}"
command -v nm >/dev/null || { echo "SKIP: nm is not installed"; exit 77; }
bad=0 libs=0
while IFS= read -r a; do
	# The subsystem is the library's folder (src/nft holds libnft and libwatch).
	lib=$(basename "$(dirname "$a")")
	case $lib in
	util) re='^(util|date|num|err|csvio|dynlib|glob|outfile)_' ;; # one prefix per module
	nft) re='^nftc?_' ;;                                         # nftc_: not libnftables' nft_
	*) re="^${lib}_" ;;
	esac
	libs=$((libs + 1))
	# Meson makes thin archives: nm reads the objects beside them.
	syms=$(nm -g --defined-only "$a") || { echo "nm cannot read $a"; exit 1; }
	while IFS= read -r sym; do
		[ -n "$sym" ] || continue
		echo "$a exports '$sym' without its prefix (${re#^})"
		bad=1
	done <<<"$(awk 'NF == 3 && $2 ~ /[TDRBC]/ { print $3 }' <<<"$syms" | grep -Ev "$re" || true)"
done < <(find src -name 'lib*.a' | sort)
[ "$libs" -gt 0 ] || { echo "no libraries under $PWD/src: build first"; exit 1; }
[ "$bad" = 0 ] && echo "every exported symbol of $libs libraries carries its prefix"
exit $bad
