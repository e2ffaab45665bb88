#!/usr/bin/env bash
# Reads every capture in ../shared/captures (real third-party traffic: link
# types, VLAN/PPPoE, pcapng, snaplen cuts) without error and checks the
# total layer-3 bytes against tshark's (IPv4 total length, IPv6 payload
# length + 40, outer header only).
. "$SRCDIR/tests/lib.sh"
C="${SHARED_CAPTURES:-$SRCDIR/../shared/captures}"
[ -d "$C" ] || skip "no shared captures at $C"
command -v tshark >/dev/null || skip "tshark not installed"
: >"$T/empty.conf"
export COSTS_CONFIG="$T/empty.conf"
n=0
for f in "$C"/*; do
	case "$f" in *.md | *.txt) continue ;; esac
	[ -f "$f" ] || continue
	n=$((n + 1))
	rm -f "$COSTS_DB"*
	run_costs capture -r "$f"
	check_rc 0 "read $(basename "$f")"
	check_eq "no warning for $(basename "$f")" "" "$(cat "$T/err")"
	want=$(tshark -r "$f" -T fields -e ip.len -e ipv6.plen 2>/dev/null | awk -F'\t' '
		{ split($1, a, ","); split($2, b, ",")
		  if (a[1] != "") s += a[1]; else if (b[1] != "") s += b[1] + 40 }
		END { print s + 0 }')
	got=$("$COSTS" export daily | awk -F, 'NR > 1 { s += $5 + $6 } END { print s + 0 }')
	check_eq "layer-3 bytes of $(basename "$f")" "$want" "$got"
done
[ "$n" -gt 0 ] || skip "no captures in $C"
finish
