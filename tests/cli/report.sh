# costs report and export: selections, formats and golden output.
. "$SRCDIR/tests/lib.sh"

run_costs report
check_rc 1 "report without a database"
check_grep "no database at '$COSTS_DB'" "$T/err" "report without a database says so"
check_eq "report does not create the database" "no" "$([ -e "$COSTS_DB" ] && echo yes || echo no)"

"$COSTS" import "$SRCDIR/data/demo-2026-05.csv" 2>/dev/null
run_costs report --month 2026-05 --by month
check_rc 0 "monthly report"
check_golden report-month.txt "$T/out"
run_costs report --from 2026-05-30 --to 2026-05-31
check_golden report-days.txt "$T/out"
run_costs report --month 2026-05 --by month --format csv
check_golden report-month.csv "$T/out"
run_costs report --from 2026-05-31 --to 2026-05-31 --service mcp --format json
check_golden report-day.json "$T/out"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["rows"][0]["egress_bytes"] > 0' "$T/out"
check_eq "json parses" "0" "$?"
run_costs report --month 2026-04
check_rc 0 "empty selection"
check_eq "empty selection message" "no traffic recorded for this selection" "$(cat "$T/out")"
run_costs report --format xml
check_rc 2 "bad format"
check_grep "bad --format 'xml'" "$T/err" "bad format named"
run_costs report --by week
check_rc 2 "bad --by"
run_costs report --from 2026-05-40
check_rc 2 "bad --from"
check_grep "'2026-05-40' is not a valid date" "$T/err" "bad day named"
run_costs report --source sniffer
check_rc 2 "bad --source"

# Incomplete days are flagged under the table, not hidden.
sqlite3 "$COSTS_DB" "INSERT INTO coverage(host, day, source, seconds, packets, drops, resets, gaps, gap_seconds)
	VALUES ('spacemolt-1', '2026-05-02', 'pcap', 3600, 100, 5, 0, 0, 0),
	       ('spacemolt-1', '2026-05-03', 'nft', 86400, 0, 0, 1, 2, 7200),
	       ('spacemolt-1', '2026-05-04', 'pcap', 86400, 100, 0, 0, 0, 0)"
run_costs report --from 2026-05-02 --to 2026-05-04 --service mcp --source all
check_grep "^note: 2026-05-02 pcap on spacemolt-1: observed 1.0 of 24 h, 5 packets dropped by the kernel$" "$T/out" "partial capture day flagged"
check_grep "^note: 2026-05-03 nft on spacemolt-1: 1 counter resets" "$T/out" "counter reset flagged"
check_grep "2 gaps between samples (2.0 h)$" "$T/out" "sample gaps flagged"
check_eq "complete day not flagged" "0" "$(grep -c '2026-05-04 pcap' "$T/out")"
run_costs report --from 2026-05-02 --to 2026-05-04 --format csv
check_eq "no notes in CSV" "0" "$(grep -c '^note' "$T/out")"

# The monthly export sums the days exactly.
run_costs export monthly --month 2026-05
check_golden export-monthly.csv "$T/out"
total=$(awk -F, 'NR>1 {s+=$5} END {printf "%.0f", s}' "$T/out")
check_eq "monthly export total" "1300000000000" "$total"
run_costs export daily --month 2026-05
check_eq "daily export rows" "94" "$(wc -l <"$T/out" | tr -d ' ')"

# --out replaces the file atomically; a failed export leaves the old one.
run_costs export daily --out "$T/daily.csv"
check_rc 0 "export --out"
check_eq "export --out content" "$(head -1 "$T/daily.csv")" "day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets"
run_costs export monthly --out "$T/no-such-dir/m.csv"
check_rc 1 "export into a missing directory"
check_grep "cannot create '$T/no-such-dir/m.csv'" "$T/err" "export error names the file"
run_costs export weekly
check_rc 2 "unknown export kind"
check_eq "no temporary files left" "" "$(ls "$T" | grep '\.tmp\.' || true)"

# --yesterday selects the day before today.
y=$(date -u -d yesterday +%F)
printf 'day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets\n%s,h,https,import,42,0,1,0\n' "$y" >"$T/y.csv"
"$COSTS" import "$T/y.csv" 2>/dev/null
run_costs report --yesterday --format csv
check_eq "--yesterday" "$y,h,https,import,42,0,1,0" "$(tail -1 "$T/out")"
finish
