# costs metrics: the Prometheus text passes promtool, and its values are the
# store's own: counters equal the sums of `costs report --format csv` over
# every day, day gauges equal the report's day rows, and the month-to-date
# and projected bills equal what `compare` and `project` print.  The store is
# made by real captures of files plus an import of recent days.
. "$SRCDIR/tests/lib.sh"
command -v promtool >/dev/null || skip "promtool not installed (Debian package prometheus)"
export COSTS_PROVIDERS="$SRCDIR/providers"
printf '[costs]\nhost = alpha\n' >"$T/alpha.conf"
export COSTS_CONFIG="$T/alpha.conf"

run_costs capture -r "$SRCDIR/tests/data/capture/web.pcap" --local auto
check_rc 0 "capture web.pcap"
for f in ndpi__reddit.pcap contextinjector__mcp.pcap; do
	p="$SRCDIR/../shared/captures/$f"
	[ -f "$p" ] || continue
	run_costs capture -r "$p" --local auto
	check_rc 0 "capture $f"
done
# Recent days of a second host, so the day gauges and this month's bill
# have data whatever today is.
{
	echo "day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets"
	for k in 0 1 2 3 4 5 6 7 8 9 12; do
		echo "$(date -u -d "-$k day" +%F),beta,https,import,$(((k + 1) * 3000000011 + k * 7919)),$((k + 5)),$((k + 1)),$k"
		echo "$(date -u -d "-$k day" +%F),beta,mcp,import,$((k * 700001 + 3)),$k,$k,$k"
	done
} >"$T/beta.csv"
run_costs import "$T/beta.csv"
check_rc 0 "import beta"

run_costs metrics
check_rc 0 "metrics"
cp "$T/out" "$T/m.txt"
if promtool check metrics <"$T/m.txt" >"$T/lint" 2>&1; then pass; else fail "promtool: $(cat "$T/lint")"; fi

# Counters: one series per host, service and source, the sum over all days.
run_costs report --format csv --source all
awk -F, 'NR > 1 { k = $2 "," $3 "," $4; e[k] += $5; i[k] += $6; ep[k] += $7; ip[k] += $8 }
	END { for (k in e) printf "%s %.0f %.0f %.0f %.0f\n", k, e[k], i[k], ep[k], ip[k] }' "$T/out" | sort >"$T/want"
[ "$(wc -l <"$T/want")" -ge 6 ] && pass || fail "too few report rows: $(cat "$T/want")"
val() { # NAME host service source
	awk -v n="$1" -v h="$2" -v s="$3" -v o="$4" '
		index($0, n "{host=\"" h "\",service=\"" s "\",source=\"" o "\"}") == 1 { print $2 }' "$T/m.txt"
}
while read -r k e i ep ip; do
	IFS=, read -r h s o <<<"$k"
	check_eq "egress bytes $k" "$e" "$(val costs_egress_bytes_total "$h" "$s" "$o")"
	check_eq "ingress bytes $k" "$i" "$(val costs_ingress_bytes_total "$h" "$s" "$o")"
	check_eq "egress packets $k" "$ep" "$(val costs_egress_packets_total "$h" "$s" "$o")"
	check_eq "ingress packets $k" "$ip" "$(val costs_ingress_packets_total "$h" "$s" "$o")"
done <"$T/want"
check_eq "counter series" "$(wc -l <"$T/want")" "$(grep -c '^costs_egress_bytes_total{' "$T/m.txt")"

# Day gauges: today and the 7 days before, the report's own day rows.
run_costs report --format csv --source all --from "$(date -u -d '-7 day' +%F)" --to "$(date -u +%F)"
awk -F, 'NR > 1 { printf "costs_day_egress_bytes{host=\"%s\",service=\"%s\",source=\"%s\",day=\"%s\"} %s\n", $2, $3, $4, $1, $5 }' \
	"$T/out" | sort >"$T/want"
grep '^costs_day_egress_bytes{' "$T/m.txt" | sort >"$T/got"
if diff -u "$T/want" "$T/got" >"$T/diff"; then pass; else fail "day gauges differ: $(cat "$T/diff")"; fi
check_eq "8 days of beta https" 8 "$(grep -c 'costs_day_egress_bytes{host="beta",service="https"' "$T/m.txt")"

# Bills: month to date as compare prices it, projection as project does.
month=$(date -u +%Y-%m)
run_costs compare --month "$month" --provider render --plan pro --format csv
total=$(awk -F, 'NR == 2 { print $13 }' "$T/out")
check_eq "month-to-date bill = compare" "$total" \
	"$(awk '/^costs_bill_month_to_date\{provider="render",plan="pro",/ { print $2 }' "$T/m.txt")"
run_costs project --provider render --plan pro --format csv
check_rc 0 "project"
check_eq "projected p50 bill = project" "$(awk -F, 'NR == 2 { print $10 }' "$T/out")" \
	"$(awk '/^costs_projected_bill_p50\{provider="render",plan="pro",/ { print $2 }' "$T/m.txt")"
check_eq "projected p90 bill = project" "$(awk -F, 'NR == 2 { print $11 }' "$T/out")" \
	"$(awk '/^costs_projected_bill_p90\{provider="render",plan="pro",/ { print $2 }' "$T/m.txt")"
check_eq "render pro allowance" 25000000000 \
	"$(awk '/^costs_allowance_bytes\{provider="render",plan="pro",/ { print $2 }' "$T/m.txt")"
check_grep 'costs_last_sample_timestamp_seconds{host="alpha",source="pcap"} 1[0-9]*\.' "$T/m.txt" "capture time"

# --out: written whole, the same text, nothing left beside it.
mkdir "$T/tf"
run_costs metrics --out "$T/tf/costs.prom"
check_rc 0 "metrics --out"
if cmp -s "$T/m.txt" "$T/tf/costs.prom"; then pass; else fail "--out differs from stdout"; fi
check_eq "only the target in the folder" "costs.prom" "$(ls -A "$T/tf")"
echo old >"$T/tf/costs.prom"
run_costs metrics --out "$T/nodir/costs.prom"
check_rc 1 "metrics --out into a missing folder"
check_grep "nodir" "$T/err" "missing folder named"
run_costs metrics --bogus
check_rc 2 "unknown option"
run_costs --db "$T/none.db" metrics
check_rc 1 "no database"
check_eq "no database created" "" "$(ls "$T/none.db" 2>/dev/null)"
finish
