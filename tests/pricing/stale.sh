#!/bin/bash
# costs providers check --stale DAYS: with hand-made tables dated relative
# to today, lists the rows in force whose source_date is more than DAYS days
# old and the rows with a source but no date, exits 3 when there is any (1
# when a table has problems, 0 when none); "today" is the config's time zone.
. "$SRCDIR/tests/lib.sh"
: >"$T/empty.conf"
export COSTS_CONFIG="$T/empty.conf"

day() { # OFFSET (days from today, UTC or $TZ)
	date -d "$(date +%F) $1 days" +%F
}

# A table with one row of each case, dated from today (TZ=UTC here).
write_table() { # FILE
	cat >"$1" <<CSV
kind,plan,item,region,from,to,currency,price,per,source,source_date
region,,,r1,,,,,,,
plan,fresh,,,,,USD,5,month,https://acme.example/pricing,$(day -30)
plan,edge,,,,,USD,6,month,https://acme.example/pricing,$(day -100)
plan,old,,,,,USD,7,month,https://acme.example/pricing,$(day -101)
plan,history,,,,$(day -1),USD,8,month,https://acme.example/pricing,$(day -900)
plan,ends-today,,,,$(day 0),USD,9,month,https://acme.example/pricing,$(day -900)
egress,,,,,,USD,0.05,GB,https://acme.example/pricing,$(day -400)
free,,inbound,,,,,,,https://acme.example/faq,
CSV
}
write_table "$T/acme.csv"

run_costs providers check "$T/acme.csv"
check_rc 0 "the table checks clean without --stale"

run_costs providers check --stale 100 "$T/acme.csv"
check_rc 3 "stale rows: exit 3"
sed "s|$T/||" "$T/out" >"$T/listed"
cat >"$T/want" <<OUT
acme.csv:5: acme plan old: source dated $(day -101) is 101 days old (more than 100)
acme.csv:7: acme plan ends-today: source dated $(day -900) is 900 days old (more than 100)
acme.csv:8: acme egress: source dated $(day -400) is 400 days old (more than 100)
acme.csv:9: acme free inbound: no source date
OUT
check_eq "stale and undated rows, not the fresh, the edge (100 days) or the ended one" "$(cat "$T/want")" "$(cat "$T/listed")"
check_grep "4 rows with a source older than 100 days or undated (1 undated)" "$T/err" "summary"

run_costs providers check --stale 100 --format csv "$T/acme.csv"
check_rc 3 "stale rows as csv"
check_eq "csv header" "provider,file,line,kind,plan,item,region,source_date,age_days" "$(head -1 "$T/out")"
check_eq "csv stale row" "acme,$T/acme.csv,5,plan,old,,,$(day -101),101" "$(sed -n 2p "$T/out")"
check_eq "csv undated row" "acme,$T/acme.csv,9,free,,inbound,,," "$(sed -n 5p "$T/out")"

run_costs providers check "$T/acme.csv" --stale 900
check_rc 3 "--stale after the file; only the undated row is left"
check_eq "undated only" "$T/acme.csv:9: acme free inbound: no source date" "$(cat "$T/out")"

grep -v '^free' "$T/acme.csv" >"$T/dated.csv"
run_costs providers check --stale 900 "$T/dated.csv"
check_rc 0 "nothing stale: exit 0"
check_grep "1 file ok, no source older than 900 days" "$T/out" "says so"
run_costs -q providers check --stale 900 "$T/dated.csv"
check_eq "quiet when nothing is stale" "" "$(cat "$T/out")"

# A table with problems is exit 1, even with stale rows in another.
printf 'kind,plan,price\nplan,x,abc\n' >"$T/bad.csv"
run_costs providers check --stale 100 "$T/acme.csv" "$T/bad.csv"
check_rc 1 "a bad table wins over stale rows"
check_grep "bad.csv:2:" "$T/out" "the problem is listed"
check_grep "acme.csv:5:" "$T/out" "stale rows of the clean table still listed"

# Bad uses are usage errors.
for bad in -1 x 36501 1.5; do
	run_costs providers check --stale "$bad"
	check_rc 2 "--stale $bad"
	check_grep "bad --stale '$bad' (days, 0 to 36500)" "$T/err" "--stale $bad named"
done
run_costs providers list --stale 10
check_rc 2 "--stale with list"
run_costs providers check --stale 10 --format json
check_rc 2 "--stale with json"

# The shipped tables check clean with --stale (whatever their age).
run_costs providers check --stale 36500
check_rc 0 "shipped tables: none older than 100 years"

# Today is the config's: UTC+14 is a day or two ahead of UTC-11, so a row
# 31 days old in Kiritimati is at most 30 days old in Pago Pago.
if [ -e /usr/share/zoneinfo/Pacific/Kiritimati ] && [ -e /usr/share/zoneinfo/Pacific/Pago_Pago ]; then
	D=$(TZ=Pacific/Kiritimati day -31)
	printf 'kind,plan,currency,price,per,source,source_date\nplan,p,USD,1,month,https://acme.example/,%s\n' "$D" >"$T/tz.csv"
	printf '[costs]\ntimezone = Pacific/Kiritimati\n' >"$T/east.conf"
	printf '[costs]\ntimezone = Pacific/Pago_Pago\n' >"$T/west.conf"
	COSTS_CONFIG="$T/east.conf" run_costs providers check --stale 30 "$T/tz.csv"
	check_rc 3 "31 days old in the config's zone (UTC+14)"
	COSTS_CONFIG="$T/west.conf" run_costs providers check --stale 30 "$T/tz.csv"
	check_rc 0 "30 days or less in the config's zone (UTC-11)"
else
	echo "no zoneinfo for Pacific/Kiritimati: time zone part skipped"
fi
finish
