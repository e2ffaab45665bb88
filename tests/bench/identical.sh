#!/usr/bin/env bash
# Checks that two costs binaries give byte-identical results (not a test;
# for performance work).  Usage:
#   tests/bench/identical.sh OLD_COSTS NEW_COSTS [CAPTURE...]
# Default captures: tests/data/**/*.pcap*, ../shared/captures/*, and the
# benchmark files in $BENCH_DIR when set.  Each capture is read with
# --local auto under the built-in services, tests/bench/rules50.conf and
# the test configs of tests/data, into a fresh database each time; the
# summary line, `export daily` and `report --format json` must be the same.
# Also compares `export daily`, `export monthly` and `compare --month` on
# a generated store with several sources per host and day.
set -uo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
OLD=$1 NEW=$2
shift 2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
caps=("$@")
if [ ${#caps[@]} = 0 ]; then
	caps=("$SRC"/tests/data/*/*.pcap* "$SRC"/../shared/captures/*)
	[ -n "${BENCH_DIR:-}" ] && caps+=("$BENCH_DIR"/*.pcap)
fi
: >"$T/empty.conf"
confs=("$T/empty.conf" "$SRC/tests/bench/rules50.conf" "$SRC/tests/data/classify/fixtures.conf"
	"$SRC/tests/data/capture/services.conf")
runs=0 diffs=0
for f in "${caps[@]}"; do
	case $f in *.md | *.csv | *.expected | *.conf | *.bin) continue ;; esac
	for c in "${confs[@]}"; do
		for who in old new; do
			bin=$OLD
			[ $who = new ] && bin=$NEW
			db=$T/$who.db
			rm -f "$db"*
			"$bin" --db "$db" --config "$c" capture -r "$f" --local auto >"$T/$who.out" 2>&1
			echo "exit $?" >>"$T/$who.out"
			"$bin" --db "$db" --config "$c" export daily >>"$T/$who.out" 2>&1
			"$bin" --db "$db" --config "$c" report --format json >>"$T/$who.out" 2>&1
		done
		runs=$((runs + 1))
		if ! cmp -s "$T/old.out" "$T/new.out"; then
			diffs=$((diffs + 1))
			echo "DIFFERENT: $f with $(basename "$c")"
			diff "$T/old.out" "$T/new.out" | head -10
		fi
	done
done
# A store with two sources on some days, three hosts, two months.
/usr/bin/python3 - "$T/multi.csv" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets\n")
    for d in range(1, 61):
        day = f"2026-{4 + (d - 1) // 30:02d}-{(d - 1) % 30 + 1:02d}"
        for h in ("a", "b", "c"):
            for s in ("https", "mcp", "other"):
                for src in ("nft", "pcap", "import", "iface"):
                    if (d * 7 + len(h) + len(src) + ord(h)) % 3 == 0 or src == "import":
                        f.write(f"{day},{h},{s},{src},{d * 1000 + ord(h)},{d},{d},{d}\n")
EOF
for who in old new; do
	bin=$OLD
	[ $who = new ] && bin=$NEW
	db=$T/$who-m.db
	{
		"$bin" --db "$db" --config "$T/empty.conf" import "$T/multi.csv" 2>&1
		for k in daily monthly; do "$bin" --db "$db" --config "$T/empty.conf" export $k 2>&1; done
		"$bin" --db "$db" --config "$T/empty.conf" report --from 2026-04-03 --to 2026-05-20 2>&1
		"$bin" --db "$db" --config "$T/empty.conf" compare --month 2026-05 --format csv 2>&1
		"$bin" --db "$db" --config "$T/empty.conf" report --host b --month 2026-04 --format csv 2>&1
	} >"$T/$who-m.out"
done
runs=$((runs + 1))
if ! cmp -s "$T/old-m.out" "$T/new-m.out"; then
	diffs=$((diffs + 1))
	echo "DIFFERENT: the multi-source store"
	diff "$T/old-m.out" "$T/new-m.out" | head -10
fi
echo "identical.sh: $runs comparisons, $diffs different"
[ $diffs = 0 ]
