#!/usr/bin/env bash
# Capture cost as ratios (not a test).  Usage:
#   tests/bench/ratios.sh [BUILDDIR [OTHER_COSTS_BINARY]]
# Generates once, in ${BENCH_DIR:-BUILDDIR/bench-data}, Ethernet captures of
# about 2M packets each (gen_capture.py --names, so TLS flows carry varied
# server names and HTTP flows Host headers):
#   500      500 interleaved flows
#   20k      20000 interleaved flows
#   1M-short a million two-packet flows (SYN, ClientHello)
#   real     the Ethernet pcaps of ../shared/captures and tests/data looped,
#            each round new connections (loop_captures.py); TLS-heavy
# and times, interleaved round by round (RUNS rounds, default 5), on each:
#   raw      tests/bench/rawloop: pcap_next_ex, IPv4/IPv6 and port parsing,
#            per-port sums: the least a per-port byte counter does
#   rawflow  rawloop --flows: the same plus a sum per connection in an
#            open-addressing table: a plain per-connection counter, what
#            keeping connections costs before any attribution
#   builtin  costs capture -r F, built-in services
#   rules    costs capture -r F with tests/bench/rules50.conf (50 rules: 31
#            sni= globs, 10 host=, 9 port/detect)
#   tcpdump  tcpdump -r F -w /dev/null
# and, given OTHER_COSTS_BINARY (say, a build of main), its builtin and
# rules runs too (base-builtin, base-rules), in the same rounds.
# Each costs run starts from a store that already exists (made by that
# binary from a small capture, copied before each run), as a run from cron
# finds it; set FRESH_STORE=1 to start from no store (each run then also
# creates the schema, about 6 ms here).
# Times are user + system CPU seconds, best of the rounds; the table gives
# each as a ratio to raw.  Targets: builtin <= 1.1, rules <= 1.3, both below
# tcpdump.  Peak RSS of builtin on 1M-short: target under 64 MiB.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-$SRC/build}
BASE=${2:-}
COSTS_BIN=$B/src/cli/costs
RAW=$B/tests/bench/rawloop
RUNS=${RUNS:-5}
PACKETS=${PACKETS:-2000000}
DIR=${BENCH_DIR:-$B/bench-data}
PY=/usr/bin/python3
SHARED=${COSTS_SHARED_CAPTURES:-$SRC/../shared/captures}
[ -x "$COSTS_BIN" ] && [ -x "$RAW" ] || { echo "build first: ninja -C $B" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
mkdir -p "$DIR"
gen() { [ -s "$DIR/$1.pcap" ] || "$PY" "$SRC/tests/bench/gen_capture.py" "$DIR/$1.pcap" "${@:2}" >&2; }
gen n500 --packets "$PACKETS" --flows 500 --names
gen n20k --packets "$PACKETS" --flows 20000 --names
gen n1m-short --one-shot --flows $((PACKETS / 2)) --names
inputs="n500 n20k n1m-short"
if [ -s "$DIR/real.pcap" ] || ls "$SHARED"/*.pcap >/dev/null 2>&1; then
	[ -s "$DIR/real.pcap" ] || "$PY" "$SRC/tests/bench/loop_captures.py" "$DIR/real.pcap" "$PACKETS" \
		"$SHARED"/*.pcap "$SRC"/tests/data/classify/*.pcap >&2
	inputs="$inputs real"
fi
: >"$DIR/empty.conf"
RULES=$SRC/tests/bench/rules50.conf
export COSTS_DB=$DIR/ratios.db

# template BIN NAME: a store made by BIN, for its runs (as cron finds one)
template() {
	rm -f "$DIR/store-$2.db"*
	COSTS_DB=$DIR/store-$2.db "$1" -q --config "$DIR/empty.conf" capture \
		-r "$SRC/tests/data/classify/mcp-http.pcap" >/dev/null
}
template "$COSTS_BIN" costs
[ -z "$BASE" ] || template "$BASE" base

# run NAME INPUT CMD...: appends "NAME INPUT cpu_seconds rss_kib" to results
run() {
	local name=$1 in=$2
	shift 2
	rm -f "$COSTS_DB"*
	if [ -z "${FRESH_STORE:-}" ]; then
		case $name in
		builtin | rules) cp "$DIR/store-costs.db" "$COSTS_DB" ;;
		base-*) cp "$DIR/store-base.db" "$COSTS_DB" ;;
		esac
	fi
	/usr/bin/time -f "%U %S %M" -o "$DIR/time.out" "$@" >/dev/null 2>"$DIR/err.out" || {
		echo "$name on $in failed: $(head -c 300 "$DIR/err.out")" >&2
		exit 1
	}
	read -r u s rss <"$DIR/time.out"
	echo "$name $in $(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') $rss" >>"$DIR/results"
}

: >"$DIR/results"
echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $RUNS rounds, CPU seconds (user + sys);" \
	"costs starts from ${FRESH_STORE:+no store}${FRESH_STORE:-an existing store}"
for in in $inputs; do
	F=$DIR/$in.pcap
	echo "$in: $("$RAW" "$F" | cut -d' ' -f1) packets, $(($(stat -c %s "$F") >> 20)) MiB"
done
for r in $(seq "$RUNS"); do
	for in in $inputs; do
		F=$DIR/$in.pcap
		cat "$F" >/dev/null
		run raw "$in" "$RAW" "$F"
		run rawflow "$in" "$RAW" --flows "$F"
		run builtin "$in" "$COSTS_BIN" -q --config "$DIR/empty.conf" capture -r "$F"
		run rules "$in" "$COSTS_BIN" -q --config "$RULES" capture -r "$F"
		run tcpdump "$in" tcpdump -r "$F" -w /dev/null
		if [ -n "$BASE" ]; then
			run base-builtin "$in" "$BASE" -q --config "$DIR/empty.conf" capture -r "$F"
			run base-rules "$in" "$BASE" -q --config "$RULES" capture -r "$F"
		fi
	done
done
awk -v inputs="$inputs" -v base="$BASE" '
	{ k = $1 SUBSEP $2; if (!(k in t) || $3 < t[k]) t[k] = $3; if ($4 > m[k]) m[k] = $4 }
	END {
		n = split("raw rawflow builtin rules tcpdump" (base ? " base-builtin base-rules" : ""), tools, " ")
		printf "%-10s", "input"
		for (i = 1; i <= n; i++) printf " %13s", tools[i]
		printf "   raw s  builtin MiB\n"
		split(inputs, ins, " ")
		for (j = 1; j in ins; j++) {
			inp = ins[j]
			printf "%-10s", inp
			for (i = 1; i <= n; i++) printf " %12.2fx", t[tools[i], inp] / t["raw", inp]
			printf " %7.2f %12.1f\n", t["raw", inp], m["builtin", inp] / 1024
		}
		print "targets: builtin <= 1.10x, rules <= 1.30x, both below tcpdump; builtin RSS < 64 MiB"
		print "rawflow: a plain per-connection counter (one probe per packet, no eviction, no prefetch)"
	}' "$DIR/results"
rm -f "$COSTS_DB"* "$DIR"/store-*.db*
