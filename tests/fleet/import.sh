# import --prometheus: a real Prometheus scrapes three `costs serve`; a pull
# into a fourth (central) store gives `compare --month` the sum of the three
# hosts' own egress; a second pull replaces instead of adding; days no host
# exposed are gaps in report's notes; a bad URL, an HTTP error or a bad
# answer fails with a message and leaves the central store as it was.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fleet/lib.sh"
command -v sqlite3 >/dev/null || skip "sqlite3 not installed"
make_stores
start_serves
start_prometheus
C="$T/central.db"
central() { "$COSTS" --db "$C" --config /dev/null "$@"; }
dump() { sqlite3 "$C" .dump | grep -v '^INSERT INTO runs'; }
from=$(date -u -d '-7 day' +%F)
today=$(date -u +%F)

if central import --prometheus "$PROM" --from "$from" --to "$today" 2>"$T/err"; then pass; else fail "import: $(cat "$T/err")"; fi
check_grep "imported .* of 3 hosts) from Prometheus" "$T/err" "import summary"

# compare --month on the central store = the sum of the hosts' own, for each
# month whose host data all lies in the pulled week.
compared=0
for m in "$(date -u -d '-7 day' +%Y-%m)" "$(date -u +%Y-%m)"; do
	inside=yes
	sum=0
	for h in $HOSTS; do
		first=$(host_costs "$h" report --month "$m" --format csv --source all | awk -F, 'NR == 2 { print $1 }')
		[ -n "$first" ] && [[ "$first" < "$from" ]] && inside=no
		e=$(host_costs "$h" compare --month "$m" --provider render --plan pro --format csv --allow-empty |
			awk -F, 'NR == 2 { print $6 }')
		sum=$((sum + e))
	done
	[ "$inside" = yes ] || { echo "month $m has host data before $from: not compared"; continue; }
	got=$(central compare --month "$m" --provider render --plan pro --format csv --allow-empty |
		awk -F, 'NR == 2 { print $6 }')
	check_eq "central compare --month $m egress = sum of the hosts'" "$sum" "$got"
	compared=$((compared + 1))
	echo "compare --month $m egress: hosts $sum, central $got"
done
[ "$compared" -ge 1 ] && pass || fail "no month compared"

# A second pull replaces: nothing doubles.
central report --format csv --source all >"$T/first.csv"
central import --prometheus "$PROM/" --from "$from" --to "$today" 2>/dev/null || fail "re-import"
central report --format csv --source all >"$T/second.csv"
if cmp -s "$T/first.csv" "$T/second.csv"; then pass; else fail "re-import changed totals: $(diff "$T/first.csv" "$T/second.csv" | head)"; fi
check_eq "rows are prometheus" "prometheus" "$(awk -F, 'NR > 1 { print $4 }' "$T/first.csv" | sort -u)"

# Days nobody exposed (before the gauges' week): gaps, shown by report.
g1=$(date -u -d '-10 day' +%F)
g3=$(date -u -d '-8 day' +%F)
central import --prometheus "$PROM" --from "$g1" --to "$today" 2>"$T/err" || fail "import with gaps: $(cat "$T/err")"
check_grep "9 host-days have no data in Prometheus" "$T/err" "gaps counted"
central report --from "$g1" --to "$today" >"$T/report"
check_grep "$g3 prometheus on beta: no data in Prometheus" "$T/report" "gap in report's notes"
central report --format csv --source all >"$T/third.csv"
if cmp -s "$T/first.csv" "$T/third.csv"; then pass; else fail "the gap pull changed totals"; fi

# Failures leave the central store as it was.
dump >"$T/before"
bad() { # WHAT EXPECTED-MESSAGE URL [ARGS]
	local what=$1 msg=$2
	shift 2
	RC=0
	central import --prometheus "$@" >"$T/out" 2>"$T/err" || RC=$?
	check_rc 1 "$what"
	check_grep "$msg" "$T/err" "$what: message"
	dump >"$T/after"
	if cmp -s "$T/before" "$T/after"; then pass; else fail "$what changed the store"; fi
}
bad "not http" "bad Prometheus URL 'ftp://x'" "ftp://x"
nobody=$(free_port)
bad "nobody listening" "cannot query Prometheus at 'http://127.0.0.1:$nobody'" "http://127.0.0.1:$nobody"
bad "HTTP 404" "answered HTTP 404" "$PROM/nowhere"
mkdir -p "$T/www/bad/api/v1" "$T/www/frac/api/v1"
printf '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"host":"x"' >"$T/www/bad/api/v1/query"
printf '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"host":"x","day":"%s","service":"https","source":"nft"},"value":[1,"1.5"]}]}}' "$today" >"$T/www/frac/api/v1/query"
wport=$(free_port)
python3 -m http.server "$wport" --bind 127.0.0.1 --directory "$T/www" >/dev/null 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$wport/" && break; sleep 0.1; done
bad "malformed JSON" "the answer is not JSON" "http://127.0.0.1:$wport/bad"
bad "fractional bytes" "not a whole number of bytes" "http://127.0.0.1:$wport/frac"
run_costs --db "$C" import --prometheus "$PROM" --month 2026-13
check_rc 2 "bad month"
run_costs --db "$C" import --prometheus "$PROM" --from 2026-01-01 --to 2026-06-01
check_rc 2 "too many days"
run_costs --db "$C" import --from 2026-01-01 x.csv
check_rc 2 "--from without --prometheus"
finish
