# costs project: the forecast on the bundled months, its backtest, and
# the messages for too little or no data.
. "$SRCDIR/tests/lib.sh"

"$COSTS" import "$SRCDIR/data/demo-2026-05.csv" 2>/dev/null
run_costs project --as-of 2026-05-03
check_rc 0 "project with three days"
check_grep "only 3 days of history: the interval is widened" "$T/err" "little history warned"
check_golden project-may03.txt "$T/out"

"$COSTS" import "$SRCDIR/data/demo-2026-03-04.csv" 2>/dev/null
run_costs project --as-of 2026-05-14
check_rc 0 "project mid-month"
check_golden project-may14.txt "$T/out"
cp "$T/out" "$T/first"
run_costs project --as-of 2026-05-14
check_eq "deterministic" "$(cat "$T/first")" "$(cat "$T/out")"
run_costs project --month 2026-05 --as-of 2026-05-14 --format json
/usr/bin/python3 - "$T/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["month"] == "2026-05" and d["as_of"] == "2026-05-14", d
assert d["egress_p10"] <= d["egress_p50"] <= d["egress_p90"], d
assert d["measured_days"] == 14, d
PY
check_eq "project json" "0" "$?"

# A complete month projects to exactly what was measured.
run_costs project --month 2026-05 --format csv
check_eq "complete month" "2026-05,2026-05-31,1300000000000,1300000000000,1300000000000" "$(tail -1 "$T/out" | cut -d, -f1,2,6-8)"

# Bills per plan, the allowance date, the CSV contract and the budget.
run_costs project --as-of 2026-05-14 --provider render
check_rc 0 "project priced on render"
check_golden project-render.txt "$T/out"
run_costs project --as-of 2026-05-14 --format csv
check_eq "project CSV header" "month,as_of,provider,plan,currency,egress_p10,egress_p50,egress_p90,total_p10,total_p50,total_p90,allowance_exhausted_on" "$(head -1 "$T/out")"
check_grep "^2026-05,2026-05-14,render,professional,USD,[0-9]*,[0-9]*,[0-9]*,139.00,139.00,154.00,2026-05-14$" "$T/out" "professional row"
check_grep "^2026-05,2026-05-14,hetzner,ex44,EUR,.*,39.00,39.00,39.00,$" "$T/out" "unmetered has no exhaustion day"
run_costs project --as-of 2026-05-14 --provider render --plan professional --budget 150
check_rc 0 "within budget"
check_eq "nothing on stderr within budget" "" "$(cat "$T/err")"
run_costs project --as-of 2026-05-14 --provider render --plan professional --budget 100
check_rc 3 "over budget"
check_eq "budget line" "costs: budget exceeded: the projected bill for render professional in 2026-05 is USD 139.00 (p50, 139.00 to 154.00), over the budget of 100.00 USD" "$(cat "$T/err")"
run_costs project --as-of 2026-05-14 --provider render --budget 100
check_rc 2 "budget needs one plan"
check_grep "budget needs one plan, this selection has 6" "$T/err" "budget selection message"
run_costs project --as-of 2026-05-14 --budget lots
check_rc 2 "bad budget"
run_costs project --as-of 2026-05-14 --provider nosuch
check_rc 1 "unknown provider"
check_grep "nosuch" "$T/err" "unknown provider named"

# export compare|project: the same contracts, atomically into a file.
run_costs export compare --month 2026-05 --provider render --out "$T/compare.csv"
check_rc 0 "export compare"
check_golden export-compare.csv "$T/compare.csv"
run_costs export project --as-of 2026-05-14 --provider render --out "$T/project.csv"
check_rc 0 "export project"
check_golden export-project.csv "$T/project.csv"
run_costs export project --as-of 2026-05-14 --provider render
check_eq "export project to stdout" "$(cat "$T/project.csv")" "$(cat "$T/out")"
cp "$T/project.csv" "$T/keep.csv"
run_costs export project --as-of 2026-05-14 --provider nosuch --out "$T/project.csv"
check_rc 1 "failed export"
check_eq "a failed export leaves the old file" "$(cat "$T/keep.csv")" "$(cat "$T/project.csv")"
check_eq "no temporary file left" "" "$(ls "$T" | grep '\.tmp\.' || true)"
run_costs export project --format json
check_rc 2 "export takes no --format"
run_costs export project --as-of 2026-05-14 --provider render --plan professional --budget 100 --out "$T/b.csv"
check_rc 3 "export project keeps the budget status"
check_grep "^2026-05,2026-05-14,render,professional," "$T/b.csv" "written despite the budget"

run_costs project --backtest
check_rc 0 "backtest"
check_golden project-backtest.txt "$T/out"

run_costs project --month 2026-05 --as-of 2026-06-01
check_rc 2 "as-of outside the month"
check_grep "is not in --month 2026-05" "$T/err" "as-of outside named"
run_costs project --as-of 2026-02-10
check_rc 1 "nothing to project"
check_grep "no egress recorded up to 2026-02-10" "$T/err" "nothing to project message"
run_costs project --as-of yesterday
check_rc 2 "bad day"
finish
