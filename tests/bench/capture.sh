#!/usr/bin/env bash
# Capture benchmark (not a test).  Usage: tests/bench/capture.sh [BUILDDIR]
# Generates (once, in ${BENCH_DIR:-BUILDDIR/bench-data}) a synthetic Ethernet
# capture of 1M packets (500 interleaved flows: handshakes, TLS
# ClientHellos, 1448-byte segments, ACKs, FINs) and one with a million
# concurrent two-packet flows, then reports in one run:
#   - packets/s of `costs capture -r`, of a raw libpcap read loop
#     (tests/bench/rawloop.c) and of `tcpdump -r F -w /dev/null`, best of
#     RUNS (default 5), and the ratios costs/raw and costs/tcpdump;
#   - peak RSS of each (/usr/bin/time -v), and of costs over a million flows.
# Targets (issue 3): costs >= 0.8 x raw, faster than tcpdump, RSS <= 64 MiB.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-$SRC/build}
COSTS_BIN=$B/src/cli/costs
RAW=$B/tests/bench/rawloop
RUNS=${RUNS:-5}
DIR=${BENCH_DIR:-$B/bench-data}
PY=$(command -v python3 || echo /usr/bin/python3)
[ -x "$COSTS_BIN" ] && [ -x "$RAW" ] || { echo "build first: ninja -C $B" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
mkdir -p "$DIR"
F=$DIR/bench-1m.pcap
M=$DIR/bench-1m-flows.pcap
[ -s "$F" ] || "$PY" "$SRC/tests/bench/gen_capture.py" "$F" --packets 1000000 --flows 500
[ -s "$M" ] || "$PY" "$SRC/tests/bench/gen_capture.py" "$M" --one-shot --flows 1000000
: >"$DIR/empty.conf"
export COSTS_CONFIG=$DIR/empty.conf COSTS_DB=$DIR/bench.db
packets() { "$RAW" "$1" | awk '{ print $1 }'; }

# best NAME CMD...: best elapsed seconds over RUNS, and the peak RSS (KiB)
best() {
	local name=$1 t rss best_t="" best_rss=0
	shift
	for _ in $(seq "$RUNS"); do
		rm -f "$COSTS_DB"*
		/usr/bin/time -f "%e %M" -o "$DIR/time.out" "$@" >/dev/null 2>&1
		read -r t rss <"$DIR/time.out"
		if [ -z "$best_t" ] || awk -v a="$t" -v b="$best_t" 'BEGIN { exit !(a < b) }'; then best_t=$t; fi
		[ "$rss" -gt "$best_rss" ] && best_rss=$rss
	done
	echo "$name $best_t $best_rss"
}

n=$(packets "$F")
echo "file: $F, $n packets, $(stat -c %s "$F") bytes; best of $RUNS runs; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm the page cache so every tool reads from memory.
cat "$F" >/dev/null
{
	best costs "$COSTS_BIN" -q capture -r "$F"
	best raw "$RAW" "$F"
	best tcpdump tcpdump -r "$F" -w /dev/null
} >"$DIR/results"
awk -v n="$n" '
	{ t[$1] = $2; r[$1] = $3 }
	END {
		for (k in t) printf "%-8s %8.3f s %10.0f packets/s  peak RSS %6.1f MiB\n", k, t[k], n / t[k], r[k] / 1024
		printf "costs / raw libpcap loop: %.2f (target >= 0.8)\n", t["raw"] / t["costs"]
		printf "costs / tcpdump copy:     %.2f (target > 1)\n", t["tcpdump"] / t["costs"]
	}' "$DIR/results"

m=$(packets "$M")
cat "$M" >/dev/null
RUNS=1 best costs-1m-flows "$COSTS_BIN" -q capture -r "$M" >"$DIR/results"
read -r _ t rss <"$DIR/results"
awk -v t="$t" -v rss="$rss" -v m="$m" 'BEGIN {
	printf "a million concurrent flows (%d packets): %.3f s, %.0f packets/s, peak RSS %.1f MiB (target <= 64)\n", m, t, m / t, rss / 1024 }'
rm -f "$COSTS_DB"*
