# A real Prometheus scrapes three `costs serve` instances with different
# stores and hosts: its PromQL sums equal each store's own totals, over all
# days (counters) and for each exact day (day gauges).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/fleet/lib.sh"
make_stores
start_serves
start_prometheus

prom_query 'sum by (host) (costs_egress_bytes_total)' >"$T/got"
for h in $HOSTS; do
	host_costs "$h" report --format csv --source all >"$T/r.csv"
	want=$(awk -F, 'NR > 1 { s += $5 } END { printf "%.0f", s }' "$T/r.csv")
	check_eq "sum by (host) (costs_egress_bytes_total) for $h" "$want" \
		"$(awk -v h="host=$h" '$1 == h { print $2 }' "$T/got")"
	wantin=$(awk -F, 'NR > 1 { s += $6 } END { printf "%.0f", s }' "$T/r.csv")
	check_eq "ingress of $h" "$wantin" \
		"$(prom_value "sum(costs_ingress_bytes_total{host=\"$h\"})")"
done
all=$(for h in $HOSTS; do host_costs "$h" report --format csv --source all; done |
	awk -F, '$1 != "day" { s += $5 } END { printf "%.0f", s }')
check_eq "fleet egress sum" "$all" "$(prom_value 'sum(costs_egress_bytes_total)')"

# Each day of the last week, per host: the store's day total.
for k in 0 3 6; do
	d=$(date -u -d "-$k day" +%F)
	for h in $HOSTS; do
		want=$(host_costs "$h" report --format csv --from "$d" --to "$d" |
			awk -F, 'NR > 1 { s += $5 } END { printf "%.0f", s }')
		check_eq "$h on $d" "$want" \
			"$(prom_value "sum(costs_day_egress_bytes{host=\"$h\",day=\"$d\"})")"
	done
done
# Every query of the Grafana dashboard runs on this Prometheus and finds series.
/usr/bin/python3 -c '
import json, sys
for p in json.load(open(sys.argv[1]))["panels"]:
    print(p["targets"][0]["expr"].replace("$host", ".*"))' "$SRCDIR/contrib/grafana/costs-dashboard.json" >"$T/exprs"
while read -r e; do
	curl -s -G --data-urlencode "query=$e" "$PROM/api/v1/query" >"$T/ans"
	check_grep '"status":"success"' "$T/ans" "dashboard query runs: $e"
	case "$e" in
	*costs_today_*) continue ;; # today's coverage: these stores captured no file today
	esac
	n=$(prom_query "$e" | wc -l)
	[ "$n" -gt 0 ] && pass || fail "dashboard query finds nothing: $e"
done <"$T/exprs"

# For the report: one PromQL query and the matching costs output.
q='sum by (host) (costs_egress_bytes_total)'
echo "PromQL: $q"
prom_query "$q"
echo "costs report --source all, egress summed per host:"
for h in $HOSTS; do
	host_costs "$h" report --format csv --source all |
		awk -F, -v h="$h" 'NR > 1 { s += $5 } END { printf "host=%s %.0f\n", h, s }'
done
finish
