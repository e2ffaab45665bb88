#!/usr/bin/env bash
# Benchmark: `costs sample` wall time and peak memory with 50 services (one
# port rule each, 104 counters) in a network namespace, after some traffic.
# Target: under 20 ms per sample.  Prints the figures and whether the target
# was met; exits 1 only when a sample fails.  Timing runs inside the
# namespace, so entering it is not counted.
#   COSTS=build/src/cli/costs SRCDIR=. bash tests/bench/sample.sh [RUNS]
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/nft/netns.sh"
[ -x /usr/bin/time ] || skip "/usr/bin/time is not installed"
RUNS=${1:-50}

for i in $(seq 50); do
	printf '[service svc%02d]\nmatch = port=tcp/%d\n\n' "$i" $((7000 + i))
done >"$T/costs.conf"
export COSTS_CONFIG="$T/costs.conf"
srv "$COSTS" nft apply || { fail "apply"; finish; }
start_bg web ready "${SRV[@]}" /usr/bin/python3 "$SRCDIR/tests/nft/peers.py" bulk 192.0.2.1 7025 || exit 1
cli /usr/bin/python3 "$SRCDIR/tests/nft/peers.py" client-bulk 192.0.2.1 7025 5 100000 || fail "traffic"
srv "$COSTS" sample || fail "first sample"

# One line per run: wall microseconds, max RSS kB.
srv bash -c '
	for i in $(seq "$1"); do
		s=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$2/mem" "$3" ${4:-sample} || exit 1
		e=$(date +%s%N)
		echo "$(((e - s) / 1000)) $(cat "$2/mem")"
	done' bench "$RUNS" "$T" "$COSTS" >"$T/times" || fail "a sample failed"
# The same loop around /bin/true: the cost of the measurement itself.
srv bash -c '
	for i in $(seq "$1"); do
		s=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$2/mem" /bin/true
		e=$(date +%s%N)
		echo "$(((e - s) / 1000))"
	done' bench "$RUNS" "$T" >"$T/base"
base=$(sort -n "$T/base" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
load=$(cut -d' ' -f1-3 /proc/loadavg)
sort -n "$T/times" | awk -v runs="$RUNS" -v load="$load" -v base="$base" '
	{ t[NR] = $1; if ($2 > m) m = $2 }
	END {
		med = t[int((NR + 1) / 2)] / 1000
		printf "costs sample, 50 services (104 counters) and %s, %d runs:\n", "one interface", NR
		printf "  wall time: min %.1f ms, median %.1f ms, p90 %.1f ms, max %.1f ms\n",
			t[1] / 1000, med, t[int(NR * 0.9)] / 1000, t[NR] / 1000
		printf "  (the same loop around /bin/true: median %.1f ms)\n", base / 1000
		printf "  peak memory (max RSS): %d kB\n", m
		printf "  load average while measuring: %s (2 cores)\n", load
		printf "  target (median under 20 ms): %s\n", med < 20 ? "met" : "missed"
	}'
[ "$(wc -l <"$T/times")" = "$RUNS" ] && pass || fail "expected $RUNS timings"
finish
