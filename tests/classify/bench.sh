#!/usr/bin/env bash
# Classification cost (not a test).  Usage: tests/classify/bench.sh [BUILDDIR]
# On the capture benchmark's synthetic capture (tests/bench/gen_capture.py:
# 1M packets, 500 interleaved flows, a quarter starting with a TLS
# ClientHello, the rest HTTP), times `costs capture -r` with the built-in
# services (every TCP flow goes through the TLS/HTTP/MCP detectors) against
# the same run with a config whose first rule is a port rule matching every
# flow (decided on its first packet: port rules only).  Best of RUNS (5).
# Target (issue 4): classification on >= 0.8 x port rules only.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-$SRC/build}
COSTS_BIN=$B/src/cli/costs
RUNS=${RUNS:-5}
DIR=${BENCH_DIR:-/tmp/costs-classify-bench}
mkdir -p "$DIR"
F=$DIR/bench-1m.pcap
[ -s "$F" ] || /usr/bin/python3 "$SRC/tests/bench/gen_capture.py" "$F" --packets 1000000 --flows 500
# Many short flows: 1M packets over 20000 flows, so classification work per
# packet is forty times larger than in the capture benchmark's mix.
S=$DIR/bench-1m-20kflows.pcap
[ -s "$S" ] || /usr/bin/python3 "$SRC/tests/bench/gen_capture.py" "$S" --packets 1000000 --flows 20000
: >"$DIR/builtin.conf"
printf '[service all]\nmatch = port=1-65535\n' >"$DIR/ports.conf"
export COSTS_DB=$DIR/classify-bench.db

best() { # CONFIG FILE -> best seconds
	local b="" t
	for _ in $(seq "$RUNS"); do
		rm -f "$COSTS_DB"*
		/usr/bin/time -f "%e" -o "$DIR/t" "$COSTS_BIN" -q --config "$1" capture -r "$2" >/dev/null
		t=$(cat "$DIR/t")
		if [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN { exit !(a < b) }'; then b=$t; fi
	done
	echo "$b"
}
for file in "$F" "$S"; do
	cat "$file" >/dev/null
	on=$(best "$DIR/builtin.conf" "$file")
	off=$(best "$DIR/ports.conf" "$file")
	echo "file: $file ($(stat -c %s "$file") bytes); best of $RUNS; load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "  classification on (built-in detectors): $on s"
	echo "  port rules only:                        $off s"
	awk -v on="$on" -v off="$off" 'BEGIN { printf "  throughput ratio on/off: %.3f (target >= 0.8)\n", off / on }'
done
