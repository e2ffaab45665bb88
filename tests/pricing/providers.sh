#!/bin/bash
# costs providers list|show|check: the shipped tables are clean, a table with
# every kind of error reports each as file:line:column: message with exit 1.
. "$SRCDIR/tests/lib.sh"
# lib.sh points COSTS_CONFIG at a missing file, which an explicit config may
# not be.  Unsetting it would make root read /etc/costs/costs.conf, which
# other tests on this machine may create: use an empty config of our own.
: >"$T/empty.conf"
export COSTS_CONFIG="$T/empty.conf"

# The shipped tables, as the directory has them (other tables are added
# without touching this test): their number and sorted names.
ntables=$(find "$SRCDIR/providers" -maxdepth 1 -name '*.csv' | wc -l)
names=$(find "$SRCDIR/providers" -maxdepth 1 -name '*.csv' -printf '%f\n' | sed 's/\.csv$//' | LC_ALL=C sort)

run_costs providers check
check_rc 0 "shipped tables check clean"
check_eq "check is quiet" "" "$(cat "$T/err")"
check_grep "$ntables files ok" "$T/out" "every shipped table"

cp "$SRCDIR/tests/pricing/data/bad.csv" "$T/bad.csv"
run_costs providers check "$T/bad.csv"
check_rc 1 "bad table"
sed "s|$T/||" "$T/out" >"$T/problems"
check_eq "every problem reported" "$(cat "$SRCDIR/tests/pricing/data/bad.expected")" "$(cat "$T/problems")"
check_grep '17 problems in 1 file' "$T/err" "summary"

run_costs providers check "$T/missing.csv"
check_rc 1 "missing file"
check_grep "cannot open '$T/missing.csv'" "$T/err" "missing file message"

printf 'kind,plan\nplan,"unterminated\n' >"$T/broken.csv"
run_costs providers check "$T/broken.csv"
check_rc 1 "malformed csv"
check_grep 'broken.csv:2:1: malformed CSV' "$T/out" "malformed csv location"

run_costs providers list --format csv
check_rc 0 "list"
check_eq "list header" "provider,currency,plans,file" "$(head -1 "$T/out")"
check_grep '^hetzner,EUR,' "$T/out" "hetzner listed"
check_eq "every provider listed" "$ntables" "$(($(wc -l <"$T/out") - 1))"

run_costs providers show render
check_rc 0 "show"
check_grep 'https://render.com/docs/outbound-bandwidth' "$T/out" "sources listed"
check_grep '^egress  *professional .*2026-04-23  *2026-07-31  *15 USD' "$T/out" "dated rows shown"
run_costs providers show render --format csv
# The writer quotes only fields that need it, so compare without quotes;
# comment lines (# ...) are not rows.
check_eq "show csv round-trips the table" "$(grep -v '^#' "$SRCDIR/providers/render.csv" | tr -d '"')" "$(tr -d '"' <"$T/out")"
run_costs providers show hetzner --format json
check_rc 0 "show json"
check_eq "show json parses, one object per row" "$(grep -v '^#' "$SRCDIR/providers/hetzner.csv" | grep -c . | awk '{print $1 - 1}')" \
	"$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T/out")"
run_costs providers list --format json
check_eq "list json" "$(echo $names)" \
	"$(/usr/bin/python3 -c 'import json,sys; print(" ".join(p["provider"] for p in json.load(sys.stdin)))' <"$T/out")"
run_costs providers show nope
check_rc 1 "unknown provider"
check_grep "unknown provider 'nope' (known: $(echo $names | sed 's/ /, /g'))" "$T/err" "known providers"
run_costs providers frobnicate
check_rc 2 "unknown subcommand"

# A user's own table is used once it checks clean.
mkdir "$T/prov"
cat >"$T/prov/acme.csv" <<'CSV'
kind,plan,region,currency,price,per,block,included,source,source_date
region,,dc1,,,,,,,
plan,small,,USD,10,month,,,https://acme.example/pricing,2026-01-01
egress,,,USD,0.05,GB,GB,100GB,https://acme.example/pricing,2026-01-01
CSV
run_costs --providers "$T/prov" compare --egress 1.3TB --month 2026-05 --format csv
check_rc 0 "a user's table"
check_eq "acme bill" "acme,small,dc1,2026-05,USD,1300000000000,100000000000,1200000000000,10.00,0.00,60.00,0.00,70.00" \
	"$(tail -1 "$T/out" | cut -d, -f1-13)"

# cpu and disk: check validates them, and only where a machine is.
mkdir "$T/bad"
cat >"$T/bad/bad.csv" <<'CSV'
kind,plan,item,currency,price,per,vcpu,ram,cpu,disk,source,source_date
plan,p,,USD,1,month,,,dedicated,,https://x.example,2026-01-01
instance,,a,USD,1,month,1,1GB,fast,,https://x.example,2026-01-01
instance,,b,USD,1,month,1,1GB,shared,lots,https://x.example,2026-01-01
instance,,c,USD,1,month,1,1GB,dedicated,40GB,https://x.example,2026-01-01
egress,,,USD,1,GB,,,,,https://x.example,2026-01-01
CSV
run_costs providers check "$T/bad/bad.csv"
check_rc 1 "bad cpu and disk fields"
cat "$T/out" "$T/err" >"$T/both"
check_grep "bad.csv:2:9: cpu and disk belong on an instance row or a plan that is a machine" "$T/both" "cpu on a plan that is no machine"
check_grep "bad.csv:3:9: bad cpu 'fast' (shared or dedicated)" "$T/both" "bad cpu"
check_grep "bad.csv:4:10: bad disk 'lots'" "$T/both" "bad disk"
if grep -q 'bad.csv:5:' "$T/both"; then fail "a good instance row reported"; else pass; fi
run_costs providers show fly
check_grep '^instance  *shared-cpu-1x-2gb .* 1 vCPU 2GB shared ' "$T/out" "show: a shared preset"
check_grep '^instance  *performance-1x-2gb .* 1 vCPU 2GB dedicated ' "$T/out" "show: a dedicated preset"
# A region row's item names its group: Fly's ams is in na-eu.
check_grep '^region  *na-eu  *ams ' "$T/out" "show: a region and its group"
check_grep '^instance  *shared-cpu-1x-256mb  *ams  *2024-11-01 .*0.00000078 USD' "$T/out" "show: an ams Machine price"
# A group must be another region of the table, in no group itself.
cat >"$T/bad/groups.csv" <<'CSV'
kind,item,region,currency,price,per,source,source_date
region,,na-eu,,,,,
region,na-eu,ams,,,,,
region,mars,xyz,,,,,
region,ams,lhr,,,,,
region,arn,arn,,,,,
egress,,,USD,0.02,GB,https://fly.example,2026-01-01
CSV
run_costs providers check "$T/bad/groups.csv"
check_rc 1 "bad region groups"
cat "$T/out" "$T/err" >"$T/both"
check_grep "groups.csv:4:2: unknown region group 'mars' for region 'xyz' (the item of a region row names another region row)" "$T/both" "unknown group"
check_grep "groups.csv:5:2: region group 'ams' is itself in group 'na-eu' (groups do not nest)" "$T/both" "nested group"
check_grep "groups.csv:6:2: region 'arn' cannot be its own group" "$T/both" "own group"
check_grep "3 problems in 1 file" "$T/both" "only the three bad region rows"
# An egress row's item is empty (to the internet) or private (to another
# region), which has no allowance.
cat >"$T/bad/private.csv" <<'CSV'
kind,item,region,currency,price,per,included,source,source_date
region,,na-eu,,,,,,
egress,,,USD,0.02,GB,,https://fly.example,2026-01-01
egress,private,,USD,0.006,GB,,https://fly.example,2026-01-01
egress,vpn,,USD,0.006,GB,,https://fly.example,2026-01-01
egress,private,na-eu,USD,0.006,GB,10GB,https://fly.example,2026-01-01
CSV
run_costs providers check "$T/bad/private.csv"
check_rc 1 "bad private egress rows"
cat "$T/out" "$T/err" >"$T/both"
check_grep "private.csv:5:2: bad egress item 'vpn' (empty: to the internet; private: private-network traffic to another region)" "$T/both" "unknown egress item"
check_grep "private.csv:6:7: a private egress row has no included allowance" "$T/both" "private allowance"
check_grep "2 problems in 1 file" "$T/both" "a good private row passes"
run_costs providers show fly
check_grep '^egress  *private  *na-eu  *2024-07-18 .*0.006 USD' "$T/out" "show: fly's private rate"
# Every shipped instance and machine plan says whether its CPU is shared.
for f in "$SRCDIR"/providers/*.csv; do
	n=$(/usr/bin/python3 -c 'import csv,sys
rows=[r for r in csv.DictReader(open(sys.argv[1])) if not r["kind"].startswith("#")]
print(sum(1 for r in rows if (r["kind"]=="instance" or (r["kind"]=="plan" and r["vcpu"])) and r["cpu"] not in ("shared","dedicated")))' "$f")
	check_eq "cpu kind on every machine row of $(basename "$f")" 0 "$n"
done

finish
