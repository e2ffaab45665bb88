#!/usr/bin/env bash
# Live capture benchmark (not a test; root): replays the synthetic capture
# with tcpreplay into a veth pair between two network namespaces while
# `costs capture -i` runs on the far end, at PPS (default 150000) and at
# --topspeed, and reports tcpreplay's rate, the kernel drops from the
# coverage table and costs' CPU time and peak RSS.
# Usage: tests/bench/live-replay.sh [BUILDDIR]  (run tests/bench/capture.sh first)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-$SRC/build}
DIR=${BENCH_DIR:-$B/bench-data}
F=${FILE:-$DIR/bench-1m.pcap}
PPS=${PPS:-150000}
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
[ -s "$F" ] || { echo "no $F: run tests/bench/capture.sh first" >&2; exit 1; }
for t in tcpreplay sqlite3 /usr/bin/time; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 1; }; done
A=costs-rp-a-$$ Z=costs-rp-b-$$
trap 'ip netns del $A 2>/dev/null; ip netns del $Z 2>/dev/null; rm -f "$DIR"/replay.db*' EXIT
ip netns add $A
ip netns add $Z
ip link add va netns $A type veth peer name vb netns $Z
ip -n $A link set va up
ip -n $Z link set vb up
ip -n $Z addr add 192.0.2.1/24 dev vb
: >"$DIR/empty.conf"
export COSTS_DB=$DIR/replay.db COSTS_CONFIG=$DIR/empty.conf
n=$("$B/tests/bench/rawloop" "$F" | awk '{ print $1 }')
secs=$((n / PPS + 5))
for mode in "--pps=$PPS" --topspeed; do
	rm -f "$COSTS_DB"*
	ip netns exec $Z /usr/bin/time -f "%U %S %e %M" -o "$DIR/replay.time" \
		"$B/src/cli/costs" -q capture -i vb --seconds $secs &
	cap=$!
	sleep 1
	rate=$(ip netns exec $A tcpreplay $mode -i va "$F" 2>&1 | sed -n 's/.*Mbps, \([0-9.]*\) pps.*/\1/p')
	wait $cap
	read -r user sys elapsed rss <"$DIR/replay.time"
	IFS='|' read -r pkts drops <<<"$(sqlite3 "$COSTS_DB" "select sum(packets), sum(drops) from coverage")"
	echo "tcpreplay $mode: $rate packets/s sent; costs saw $pkts of $n packets, kernel drops $drops;" \
		"CPU user ${user}s + sys ${sys}s over ${elapsed}s ($(awk -v u="$user" -v s="$sys" -v r="$rate" -v n="$n" 'BEGIN { printf "%.1f", 100 * (u + s) / (n / r) }')% of one core while replaying), peak RSS $((rss / 1024)) MiB"
done
