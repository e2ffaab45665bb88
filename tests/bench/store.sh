#!/usr/bin/env bash
# Month queries on a large store (not a test).  Usage:
#   [BASE_PROVIDERS=DIR] tests/bench/store.sh [BUILDDIR [OTHER_COSTS_BINARY]]
# Generates once, in ${BENCH_DIR:-BUILDDIR/bench-data}/store.db, 3 years x
# 50 services x 20 hosts x 2 directions of daily totals (2.19M rows, source
# pcap; every tenth host-day also has nft rows), then times, best of RUNS
# (default 5), interleaved with OTHER_COSTS_BINARY's runs when given:
#   compare --month (the last full month), project (as of its 20th),
#   export daily (every row: rows per second), export monthly.
# Targets: compare and project under 0.2 s, export daily >= 1M rows/s.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-$SRC/build}
BASE=${2:-}
COSTS_BIN=$B/src/cli/costs
RUNS=${RUNS:-5}
DIR=${BENCH_DIR:-$B/bench-data}
# Made by the older binary when there are two (an older costs refuses a
# newer schema); each binary then reads its own copy, which a newer one
# upgrades on its first run (left out: the best of the runs counts).
DB=$DIR/store${BASE:+-base}.db
GEN=${BASE:-$COSTS_BIN}
command -v sqlite3 >/dev/null || { echo "needs sqlite3" >&2; exit 1; }
mkdir -p "$DIR"
: >"$DIR/empty.conf"
export COSTS_CONFIG=$DIR/empty.conf COSTS_PROVIDERS=$SRC/providers
if [ ! -s "$DB" ]; then
	printf 'day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets\n2024-01-01,h00,s00,pcap,1,1,1,1\n' >"$DIR/seed.csv"
	"$GEN" --db "$DB" import "$DIR/seed.csv" >/dev/null
	sqlite3 "$DB" <<'EOF'
BEGIN;
DELETE FROM daily;
WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 1094),
h(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM h WHERE n < 19),
s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 49),
dir(x) AS (VALUES ('egress'), ('ingress'))
INSERT INTO daily(host, day, service, direction, source, bytes, packets)
SELECT printf('h%02d', h.n), date('2024-01-01', '+' || d.n || ' days'), printf('s%02d', s.n),
       dir.x, 'pcap', 1000000 + d.n * 997 + h.n * 31 + s.n, 1000 + s.n
FROM d, h, s, dir;
INSERT INTO daily(host, day, service, direction, source, bytes, packets)
SELECT host, day, service, direction, 'nft', bytes + 1, packets FROM daily
WHERE source = 'pcap' AND (CAST(substr(day, 9, 2) AS INTEGER) + CAST(substr(host, 2) AS INTEGER)) % 10 = 0;
COMMIT;
ANALYZE;
EOF
fi
rows=$(sqlite3 "$DB" "SELECT count(*) FROM daily")
month=2026-11
echo "$DB: $rows rows; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); best of $RUNS, wall seconds"
: >"$DIR/store-results"
for who in new ${BASE:+base}; do
	cp "$DB" "$DIR/run-$who.db"
done
t() { # NAME BIN ARGS...
	local name=$1 bin=$2 s e
	shift 2
	s=$(date +%s%N)
	"$bin" --db "$DIR/run-${name%%-*}.db" "$@" >"$DIR/out.$name" 2>&1 ||
		{ echo "$name failed: $(head -c 300 "$DIR/out.$name")" >&2; exit 1; }
	e=$(date +%s%N)
	echo "$name $(((e - s) / 1000))" >>"$DIR/store-results"
}
for _ in $(seq "$RUNS"); do
	for who in new ${BASE:+base}; do
		bin=$COSTS_BIN
		[ "$who" = base ] && bin=$BASE
		# An older costs may not read today's tables: BASE_PROVIDERS gives its own.
		export COSTS_PROVIDERS=$SRC/providers
		[ "$who" = base ] && COSTS_PROVIDERS=${BASE_PROVIDERS:-$SRC/providers}
		t "$who-compare" "$bin" compare --month $month
		t "$who-project" "$bin" project --as-of 2026-11-20
		t "$who-export-daily" "$bin" export daily
		t "$who-export-monthly" "$bin" export monthly
	done
done
daily_rows=$(($(wc -l <"$DIR/out.new-export-daily") - 1))
awk -v rows="$daily_rows" '
	{ if (!($1 in b) || $2 < b[$1]) b[$1] = $2 }
	END {
		for (k in b) {
			printf "%-22s %8.3f s", k, b[k] / 1e6
			if (k ~ /export-daily/) printf "  %.2fM rows/s", rows / (b[k] / 1e6) / 1e6
			printf "\n"
		}
	}' "$DIR/store-results" | sort
echo "targets: compare and project < 0.2 s, export daily >= 1M rows/s ($daily_rows rows out)"
