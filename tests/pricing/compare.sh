#!/bin/bash
# costs compare end to end: the seed month from the store, given volumes,
# the CSV contract, config [provider] sections, --need, --rate, --vat,
# --breakeven, --invoice, and every bad-input path with its exit status.
. "$SRCDIR/tests/lib.sh"
# lib.sh points COSTS_CONFIG at a missing file, which an explicit config may
# not be.  Unsetting it would make root read /etc/costs/costs.conf, which
# other tests on this machine may create: use an empty config of our own.
: >"$T/empty.conf"
export COSTS_CONFIG="$T/empty.conf"

# check_pgolden NAME FILE: compares FILE with tests/pricing/golden/NAME
check_pgolden() {
	local g="$SRCDIR/tests/pricing/golden/$1"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$2" "$g"; fi
	if diff -u "$g" "$2" >"$T/diff"; then pass; else fail "golden $1 differs:"; cat "$T/diff" >&2; fi
}

# The seed month: 1.3 TB imported, priced from the store.
run_costs import "$SRCDIR/data/demo-2026-05.csv"
check_rc 0 "import the seed month"
run_costs compare --month 2026-05
check_rc 0 "compare the seed month"
# Nothing on stderr: under the sanitizer build this catches runtime errors.
check_eq "compare is quiet" "" "$(cat "$T/err")"
check_pgolden compare-2026-05.txt "$T/out"
check_grep '1.30 TB egress in 2026-05 (import)' "$T/out" "measured egress and its source"

# The same volume given on the command line, as CSV (the contract header).
run_costs compare --egress 1.3TB --month 2026-05 --format csv
check_rc 0 "compare --egress as csv"
check_pgolden compare-1.3TB-2026-05.csv "$T/out"
check_eq "csv contract header" \
	"provider,plan,region,month,currency,egress_bytes,included_bytes,billable_bytes,base,compute,egress,other,total" \
	"$(head -1 "$T/out" | cut -d, -f1-13)"
check_eq "render professional 2026-05" "render,professional,global,2026-05,USD,1300000000000,500000000000,800000000000,19.00,0.00,120.00,0.00,139.00" \
	"$(grep '^render,professional,' "$T/out" | cut -d, -f1-13)"
check_eq "render pro egress" "191.25" "$(grep '^render,pro,' "$T/out" | cut -d, -f11)"
check_eq "fly na-eu egress" "26.00" "$(grep '^fly,payg,' "$T/out" | cut -d, -f11)"
check_eq "hetzner ex44 egress" "0.00" "$(grep '^hetzner,ex44,' "$T/out" | cut -d, -f11)"

# Prices in force in June 2025: $30 blocks, no 2026 plans.
run_costs compare --egress 1.3TB --month 2025-06 --provider render --format csv
check_rc 0 "compare 2025-06"
check_eq "render professional 2025-06 egress" "240.00" "$(grep '^render,professional,' "$T/out" | cut -d, -f11)"
check_eq "three legacy plans in 2025-06" "3" "$(($(wc -l <"$T/out") - 1))"

# Cheapest first within a currency.
run_costs compare --egress 1.3TB --month 2026-05 --provider render --format csv
check_eq "render order" "organization professional hobby-legacy hobby pro scale" \
	"$(tail -n +2 "$T/out" | cut -d, -f2 | tr '\n' ' ' | sed 's/ $//')"

# JSON carries the same bill.
run_costs compare --egress 1.3TB --month 2026-05 --provider render --plan pro --format json
check_rc 0 "json"
check_grep '"egress": "191.25"' "$T/out" "json egress"
check_grep '"total": "216.25"' "$T/out" "json total"

run_costs compare --egress 1.3TB --month 2026-05 --provider fly,hetzner,render --format json
check_eq "json rows, cheapest first in USD" "fly/payg 26.00" \
	"$(/usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["provider"]+"/"+r["plan"], r["total"])' <"$T/out")"

# A billable = no service is left out of the measured egress.
cat >"$T/costs.conf" <<'CONF'
[service websocket]
match = port=9001
billable = no

[provider render]
plan = professional
seats = 2
instances = standard:2

[provider fly]
instances = shared-cpu-1x-1gb:3
ipv4 = 1
CONF
run_costs --config "$T/costs.conf" compare --month 2026-05 --format csv
check_rc 0 "compare with a config"
check_eq "compare with a config is quiet" "" "$(cat "$T/err")"
check_pgolden compare-config.csv "$T/out"
# 1,300,000,000,000 total minus websocket 494,256,363,365 (report --format csv)
check_eq "egress without websocket" "805743636635" "$(grep '^render,' "$T/out" | cut -d, -f6)"
check_eq "config plan, seats and instances" "render,professional,38.00,50.00,60.00,0.00,148.00" \
	"$(grep '^render,' "$T/out" | cut -d, -f1,2,9-13)"
# render: 2 seats x 19; 2 x standard 25; 305.7 GB over 500 GB = 4 blocks x 15
# fly: 3 x 0.0000022/s x 2,678,400 s = 17.67744, 17.68 on the invoice;
# 805.743636635 GB x 0.02 = 16.1148727, 16.11; IPv4 2.00; total 35.79
check_eq "fly from config" "fly,payg,17.68,16.11,2.00,35.79" \
	"$(grep '^fly,' "$T/out" | cut -d, -f1,2,10-13)"

# traffic = private: the measured websocket bytes (494,256,363,365) are
# private traffic to other regions.  fly in ams (na-eu): private
# 494.256363365 GB x $0.006 = 2.96553818, 2.97; internet 805.743636635 GB x
# $0.02 = 16.11487273, 16.11; the egress line 19.08.  Render has no private
# rate: its egress is the whole 1.3 TB, as without the key.
cat >"$T/private.conf" <<'CONF'
[service websocket]
match = port=9001
traffic = private

[provider fly]
region = ams
CONF
run_costs --config "$T/private.conf" compare --month 2026-05 --provider fly,render --plan payg,professional --format csv
check_rc 0 "compare with private traffic"
check_eq "fly: private and internet lines" "fly,payg,ams,1300000000000,19.08" "$(grep '^fly,' "$T/out" | cut -d, -f1-3,6,11)"
check_eq "render bills it as egress" "render,professional,120.00" "$(grep '^render,' "$T/out" | cut -d, -f1,2,11)"
run_costs --config "$T/private.conf" compare --month 2026-05 --provider fly,render --plan payg,professional
check_grep '^of the egress, 494 GB is private traffic to other regions (traffic = private):$' "$T/out" "private note"
check_grep '^  fly/payg bills 494 GB of it at its private rate: 2.97 USD of the egress line$' "$T/out" "private part of fly's egress line"
check_grep '^  the other plans bill it as egress$' "$T/out" "others bill it as egress"
printf '[service websocket]\nmatch = port=9001\ntraffic = vpn\n' >"$T/badtraffic.conf"
run_costs --config "$T/badtraffic.conf" compare --month 2026-05
check_rc 1 "bad traffic value"
check_grep "badtraffic.conf:3: bad traffic 'vpn' (internet, or private" "$T/err" "bad traffic message"

# --need: the cheapest fitting instance on every provider.
run_costs compare --egress 1.3TB --month 2026-05 --need ram=4GB,cpu=2,count=2 --provider render --plan professional --format csv
check_rc 0 "--need"
check_eq "need on render" "309.00,pro,2" "$(tail -1 "$T/out" | cut -d, -f16,17,13)"

# Without usage the table says compute is not priced.
run_costs compare --egress 1.3TB --month 2026-05 --provider fly
check_grep 'compute not priced' "$T/out" "compute note"

# Conversion, VAT and first-month setup fees.
run_costs compare --egress 1.3TB --month 2026-05 --provider hetzner --plan ex44 --rate EUR=1.08 --vat 19 --first-month --format csv
check_rc 0 "rate, vat, first month"
# (39 + 99) x 1.08 = 149.04; VAT 19% = 28.3176, 28.32 in cents
check_eq "ex44 in USD with setup and VAT" "USD,42.12,106.92,177.36,28.32" \
	"$(tail -1 "$T/out" | cut -d, -f5,10,12,15,13)"

# Part of a month: Hetzner bills started hours up to the monthly price.
run_costs compare --egress 0 --month 2026-05 --plan cx23 --hours 100.01 --format csv
check_rc 0 "--hours"
# 3.99 x 101 / 744 = 0.541654, 0.54 on the invoice
check_eq "101 of 744 hours of EUR 3.99" "0.54" "$(tail -1 "$T/out" | cut -d, -f10)"
run_costs compare --egress 0 --month 2026-05 --plan cx23 --hours 745
check_rc 2 "more hours than a month has"
run_costs compare --egress 0 --month 2026-05 --provider render --plan organization --seats 4 --format csv
check_eq "--seats" "116.00" "$(tail -1 "$T/out" | cut -d, -f14)"

# Lists of providers and plans.
run_costs compare --egress 1.3TB --month 2026-05 --rate EUR=1.08 --plan professional,ex44 --format csv
check_rc 0 "a plan list"
check_eq "story's two options, cheapest first" "hetzner,ex44,42.12 render,professional,139.00" \
	"$(tail -n +2 "$T/out" | cut -d, -f1,2,13 | tr '\n' ' ' | sed 's/ $//')"
run_costs compare --egress 1.3TB --month 2026-05 --provider render,fly --plan pro,payg --format csv
check_eq "provider and plan lists" "fly,payg render,pro" "$(tail -n +2 "$T/out" | cut -d, -f1,2 | tr '\n' ' ' | sed 's/ $//')"
run_costs compare --egress 1.3TB --month 2026-05 --plan pro,gold
check_rc 1 "a listed plan nobody has"
check_grep "no selected provider has a plan 'gold'" "$T/err" "unknown listed plan"

# Break-even and invoice.
run_costs compare --egress 1.3TB --month 2026-05 --rate EUR=1.08 --breakeven --plan ex44 --provider hetzner
check_grep 'only one provider selected' "$T/out" "breakeven with one provider"
run_costs compare --egress 1.3TB --month 2026-05 --breakeven --provider render
check_grep 'only one provider' "$T/out" "breakeven within one provider"
run_costs compare --egress 1.3TB --month 2026-05 --rate EUR=1.08 --breakeven
check_rc 0 "breakeven"
# cax11: EUR 3.79 x 1.08 = 4.0932, 4.09 in cents; fly's 0.02/GB egress line
# is 4.09 (a tie) from 204.25 GB (4.085 rounds up), 4.10 from 204.75 GB.
check_grep 'hetzner/cax11 and fly/payg: 204 GB (204250000000 bytes); below it fly/payg is cheaper' "$T/out" "breakeven hetzner/fly"
run_costs compare --egress 1.3TB --month 2026-05 --rate EUR=1.08 --breakeven --plan professional,ex44
check_grep 'hetzner/ex44 and render/professional: 600 GB (600000000001 bytes); below it render/professional is cheaper' "$T/out" "the story's break-even"
run_costs compare --egress 1.3TB --month 2026-05 --provider render --plan pro --invoice 216.40
check_rc 0 "invoice"
check_grep 'difference +0.15' "$T/out" "invoice difference"
check_grep 'implies 1.30 TB to 1.30 TB of egress (1300000000001 to 1301000000000 bytes)' "$T/out" "invoice implied egress"
run_costs compare --egress 1.3TB --month 2025-06 --provider render --plan professional --invoice 495
check_grep 'no egress volume gives exactly this amount' "$T/out" "the story's invoice is not a whole number of blocks"
run_costs compare --egress 1.3TB --month 2026-05 --provider render --plan pro --invoice 10
check_grep 'below the fixed charges' "$T/out" "invoice below fixed fees"

# Bad input.
run_costs compare --egress 1.3XB
check_rc 2 "bad size"
check_grep "unknown unit 'XB'" "$T/err" "bad size message"
# The shipped tables as providers/ has them (tables are added without
# touching this test).
known=$(find "$SRCDIR/providers" -maxdepth 1 -name '*.csv' -printf '%f\n' | sed 's/\.csv$//' | LC_ALL=C sort | paste -sd, | sed 's/,/, /g')
run_costs compare --egress 1TB --provider nope
check_rc 1 "unknown provider"
check_grep "unknown provider 'nope' (known: $known)" "$T/err" "known providers"
run_costs compare --egress 1TB --month 2026-05 --provider render --plan gold
check_rc 1 "unknown plan"
check_grep "unknown plan 'gold' for render in 2026-05 (known: hobby-legacy, professional, organization, hobby, pro, scale)" "$T/err" "known plans"
run_costs compare --egress 1TB --region mars
check_rc 1 "unknown region"
check_grep "unknown region 'mars' (known: .*fly: na-eu, apac-oc-sa, africa-india + 18 regions in them; hetzner: eu, us, sin; .*render: global" "$T/err" "known regions"
run_costs compare --egress 1.3TB --month 2026-05 --region sin --format csv
check_rc 0 "a region two providers name"
# Hetzner: only ccx13 is offered there (cpx11 ended 2025-12-31); 1 TiB
# included, 1,913 started 100 MiB blocks at EUR 7.40 per TiB = 1.35004, 1.35.
# Fly's sin is in apac-oc-sa: 1,300 GB x $0.04 = 52.00.  No one else has sin.
check_eq "hetzner's cloud plans and fly in Singapore" "fly,payg,sin,52.00 hetzner,ccx13,sin,1.35" \
	"$(tail -n +2 "$T/out" | cut -d, -f1-3,11 | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
run_costs compare --egress 1TB --rate EUR=-1
check_rc 2 "negative rate"
check_grep "a rate must be positive" "$T/err" "negative rate message"
run_costs compare --egress 1TB --vat -5
check_rc 2 "negative vat"
run_costs compare --month 2026-04
check_rc 1 "month with no data"
check_grep "no traffic recorded for 2026-04" "$T/err" "no data message"
run_costs compare --month 2026-04 --allow-empty --provider fly --format csv
check_rc 0 "--allow-empty"
check_eq "zero egress" "0" "$(tail -1 "$T/out" | cut -d, -f6)"
run_costs compare
check_rc 2 "neither --month nor --egress"
run_costs compare --egress 1TB --breakeven --format csv
check_rc 2 "--breakeven with csv"
run_costs compare --egress 1TB --invoice 10
check_rc 2 "--invoice without a plan"
run_costs compare --egress 1TB --provider render --plan pro,scale --invoice 10
check_rc 2 "--invoice with two plans"
run_costs compare --egress 1TB --need ram=lots
check_rc 2 "bad need"
printf '[provider render]\nflavour = vanilla\n' >"$T/bad.conf"
run_costs --config "$T/bad.conf" compare --egress 1TB
check_rc 1 "bad provider key"
check_grep "bad.conf:2: unknown key 'flavour' in \[provider render\]" "$T/err" "config error with file:line"
printf '[provider nope]\nplan = nano\n' >"$T/bad.conf"
run_costs --config "$T/bad.conf" compare --egress 1TB
check_rc 1 "config section for an unknown provider"
check_grep "bad.conf:1: \[provider nope\]: no provider table 'nope' (known: $known)" "$T/err" "unknown provider section"
printf '[provider render]\ninstances = huge:2\n' >"$T/bad.conf"
run_costs --config "$T/bad.conf" compare --egress 1TB --month 2026-05
check_rc 1 "unknown instance"
check_grep "bad.conf:2: unknown instance type 'huge' for render (known: starter," "$T/err" "known instances"
run_costs --providers "$T/nowhere" compare --egress 1TB
check_rc 1 "missing providers dir"
check_grep "cannot open provider tables" "$T/err" "providers dir message"

# Break-even when both bills are zero at zero egress: hobby is free up to
# 5 GB, so fly only wins one byte past it (it used to answer 0 B).
run_costs compare --egress 1TB --month 2026-05 --plan payg,hobby --breakeven
check_rc 0 "breakeven from zero"
check_grep 'fly/payg and render/hobby: 5.00 GB (5000000001 bytes); below it render/hobby is cheaper' "$T/out" "breakeven past hobby's free 5 GB"
# A band that opens and closes: fly APAC (0.04/GB) against organization
# (29.00 seat, 1 TB included, then 15.00 per started 100 GB): fly's egress
# line is 29.00 in cents from 724.875 GB (0.04 x 724.875 = 28.995), a tie.
printf '[provider fly]\nregion = apac-oc-sa\n' >"$T/apac.conf"
run_costs --config "$T/apac.conf" compare --egress 1TB --month 2026-05 --plan payg,organization --breakeven
check_rc 0 "breakeven with a band"
check_grep 'render/organization and fly/payg: fly/payg is cheaper first; render/organization from 725 GB (724875000000 bytes); fly/payg from 1.00 TB (1000000000001 bytes)' "$T/out" "organization cheaper between 725 GB and 1 TB"

# A Fly Machine region: ams's own Machine price and its group's egress rate.
# shared-cpu-1x 256MB in ams: $0.00000078/s x 2,678,400 s = 2.089152, 2.09;
# 100 GB at na-eu's $0.02 = 2.00; total 4.09.  The table and CSV name ams.
printf '[provider fly]\nregion = ams\ninstances = shared-cpu-1x-256mb\n' >"$T/ams.conf"
run_costs --config "$T/ams.conf" compare --egress 100GB --month 2026-05 --provider fly --format csv
check_rc 0 "compare in a fly machine region"
check_eq "fly in ams" "fly,payg,ams,2.09,2.00,4.09" "$(grep '^fly,' "$T/out" | cut -d, -f1-3,10,11,13)"
run_costs --config "$T/ams.conf" compare --egress 100GB --month 2026-05 --provider fly
check_grep '^fly  *payg  *ams  *1x shared-cpu-1x-256mb ' "$T/out" "the table shows the region"
# --region bom over the config: bom's price (0.00000081 x 2,678,400 =
# 2.169504, 2.17) and africa-india's $0.12 (12.00).
run_costs --config "$T/ams.conf" compare --egress 100GB --month 2026-05 --provider fly --region bom --format csv
check_eq "fly in bom" "fly,payg,bom,2.17,12.00,14.17" "$(grep '^fly,' "$T/out" | cut -d, -f1-3,10,11,13)"
printf '[provider fly]\nregion = mad\n' >"$T/mad.conf"
run_costs --config "$T/mad.conf" compare --egress 100GB --month 2026-05 --provider fly
check_rc 1 "a region fly no longer has"
check_grep "mad.conf:2: unknown region 'mad' for fly (known: na-eu, apac-oc-sa, africa-india, ams, arn, bom," "$T/err" "fly's regions listed"

# plot compare prices the same rows as compare for the same options: lists,
# --need, two --rate, --vat (the data file is written even without gnuplot).
opts="--egress 1.3TB --month 2026-05 --plan professional,ex44,payg --rate EUR=1.08 --rate GBP=1.3 --vat 19 --need ram=4GB,cpu=2"
# shellcheck disable=SC2086
run_costs compare $opts --format csv
tail -n +2 "$T/out" | cut -d, -f1,2,13 | tr ',' ' ' >"$T/want"
# shellcheck disable=SC2086
run_costs plot compare $opts --out "$T/pc.png"
if [ -f "$T/pc.dat" ]; then
	grep -v '^#' "$T/pc.dat" | tail -n +2 | tr -d '"' | awk '{print $1, $2, $7}' >"$T/got"
	check_eq "plot compare draws compare's rows" "$(cat "$T/want")" "$(cat "$T/got")"
else
	fail "plot compare wrote no data file: $(cat "$T/err")"
fi

# Plain byte counts above 9,223,372,036,854 are sizes too (the parser used
# to scale by 10^6 in 64 bits): exactly Hetzner's 20 TiB bills no overage.
run_costs compare --egress 21990232555520 --month 2026-05 --plan cx23 --format csv
check_rc 0 "--egress in plain bytes beyond 9.2 TB"
check_eq "20 TiB in bytes" "21990232555520,21990232555520,0" "$(tail -1 "$T/out" | cut -d, -f6-8)"

# Invoices round each line, then add the lines; VAT on the rounded net.  The
# shown lines add up to the shown total in every format (cx23 at 30 TB used
# to show 3.99 + 7.29 = 11.29).  EUR: 3.99; 76,388 started 100 MiB blocks at
# EUR 1/TiB = 7.2849, 7.28; at 1.0009: 3.993591 -> 3.99, 7.286552 -> 7.29.
run_costs compare --egress 30TB --month 2026-05 --plan cx23 --rate EUR=1.0009 --format csv
check_eq "cx23 lines and total in CSV" "3.99,7.29,11.28" "$(tail -1 "$T/out" | cut -d, -f10,11,13)"
run_costs compare --egress 30TB --month 2026-05 --plan cx23 --rate EUR=1.0009 --format json
check_eq "cx23 lines and total in JSON" "3.99 7.29 11.28" \
	"$(/usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin)[0]; print(r["compute"], r["egress"], r["total"])' <"$T/out")"
run_costs compare --egress 30TB --month 2026-05 --plan cx23 --rate EUR=1.0009 --vat 19
check_grep ' 3.99    7.29   0.00  2.14  13.42  USD$' "$T/out" "cx23 table: VAT 19% of 11.28 = 2.1432, 2.14"
# Every row of the seed month's comparison adds up, with a rate and VAT.
run_costs compare --egress 1.3TB --month 2026-05 --rate EUR=1.0931 --vat 7.7 --need ram=2GB,count=3 --hours 333.3 --format csv
check_eq "every row adds up" "" "$(tail -n +2 "$T/out" | awk -F, '{ s = $9 + $10 + $11 + $12 + $15; if (sprintf("%.2f", s) != sprintf("%.2f", $13) || $13 !~ /^[0-9]+\.[0-9][0-9]$/) print $1 "/" $2, s, $13 }')"

# --invoice-egress: only the bandwidth line of an invoice.  The seed's
# invoice is $336 of overage, $144 of hosting and $15 of fees; with compute
# not priced, --invoice 495 would count hosting and fees as egress.
run_costs compare --egress 1.3TB --month 2025-06 --provider render --plan professional --invoice 495
check_grep "the invoice's hosting and fees count as egress below; give its bandwidth line with --invoice-egress" "$T/out" "--invoice warns when compute is not priced"
run_costs compare --egress 1.3TB --month 2025-06 --provider render --plan professional --invoice-egress 336
check_rc 0 "--invoice-egress"
# 1.3 TB: 8 blocks of $30 = 240.00; 336 = 11.2 blocks: 11 blocks (330.00)
# cover up to 500 GB + 1.1 TB = 1.6 TB, one byte more is 12 (360.00).
check_grep 'invoice egress line 336.00 USD, modelled 240.00 USD: difference +96.00' "$T/out" "egress line against the modelled egress"
check_grep 'no egress volume gives exactly this amount: 1.60 TB (1600000000000 bytes) bills 330.00, one byte more bills 360.00' "$T/out" "egress line range"
# May 2026, $15 blocks: 22 blocks (330.00) up to 2.7 TB, then 345.00.
run_costs compare --egress 1.3TB --month 2026-05 --provider render --plan professional --invoice-egress 345
check_grep 'implies 2.70 TB to 2.80 TB of egress (2700000000001 to 2800000000000 bytes)' "$T/out" "an egress line that is a whole number of blocks"
run_costs compare --egress 1.3TB --month 2026-05 --provider render --plan professional --invoice-egress 336 --format csv
check_rc 2 "--invoice-egress prints text"

# export compare takes compare's options wherever export's own come.
run_costs export --out "$T/e.csv" compare --egress 1TB --month 2026-05 --provider fly
check_rc 0 "export --out FILE compare --egress"
check_eq "exported row" "fly,payg,na-eu,2026-05,USD,1000000000000" "$(tail -1 "$T/e.csv" | cut -d, -f1-6)"
run_costs export compare --egress 1TB --month 2026-05 --provider fly --rate EUR=1.08 --vat 19
check_rc 0 "export compare --egress with compare's options"
check_eq "exported with VAT" "20.00,23.80,3.80" "$(tail -1 "$T/out" | cut -d, -f11,13,15)"

# ordered = DAY: Hetzner's 2026-06-15 rise (cx23 EUR 3.99 -> 5.49) is for
# new orders only, so a server ordered before keeps its price.
run_costs compare --egress 1TB --month 2026-11 --plan cx23 --format csv
check_eq "a new cx23 in 2026-11" "5.49" "$(tail -1 "$T/out" | cut -d, -f10)"
printf '[provider hetzner]\nordered = 2026-03-01\n' >"$T/ordered.conf"
run_costs --config "$T/ordered.conf" compare --egress 1TB --month 2026-11 --plan cx23 --format csv
check_rc 0 "ordered"
check_eq "a cx23 ordered in March keeps 3.99" "3.99" "$(tail -1 "$T/out" | cut -d, -f10)"
printf 'kind,plan,from,currency,price,source,source_date,orders\nplan,a,2026-01-01,USD,1,https://x.example,2026-01-01,old\n' >"$T/orders.csv"
run_costs providers check "$T/orders.csv"
check_rc 1 "a bad orders value"
check_grep "orders.csv:2:8: bad orders 'old'" "$T/out" "bad orders located"

# Per-server allowances (issue 13 item 5): Hetzner's 20 TiB is each
# server's own, so two servers with one sending 30 TB keep one allowance.
printf '[provider hetzner]\ncount = 2\n' >"$T/count.conf"
run_costs --config "$T/count.conf" compare --egress 30TB --month 2026-05 --plan cx23 --format csv
check_rc 0 "two servers"
check_eq "20 TiB, not 40 TiB, for two cx23" "21990232555520,8009767444480,7.98,7.28,15.26" "$(tail -1 "$T/out" | cut -d, -f7,8,10,11,13)"

# Retired plans (issue 13 item 7): Render's legacy plans ended 2026-07-31 and
# the shipped nightly job still names 'professional'.  A retired plan asked
# for by name is priced as its successor with a note, never a failure.
run_costs compare --egress 1.3TB --month 2026-11 --provider render --plan professional --format csv
check_rc 0 "a retired plan by name"
check_grep "note: render plan 'professional' was retired; priced as its successor 'pro' (from 2026-08-01)" "$T/err" "successor note"
check_eq "one note line" "1" "$(wc -l <"$T/err")"
# pro: $25 + 1,275 started GB beyond 25 GB x $0.15 = 191.25, total 216.25
check_eq "priced as pro" "render,pro,216.25" "$(tail -1 "$T/out" | cut -d, -f1,2,13)"
run_costs compare --egress 1.3TB --month 2026-11 --plan organization,ex44 --rate EUR=1.08 --format csv
check_rc 0 "a retired plan in a list"
check_eq "organization became scale" "hetzner,ex44 render,scale" "$(tail -n +2 "$T/out" | cut -d, -f1,2 | tr '\n' ' ' | sed 's/ $//')"
# The nightly job itself: project with a budget, on two weeks of November.
for d in $(seq -w 1 14); do echo "2026-11-$d,web1,https,import,40000000000,1000,1000,1000"; done |
	sed '1i day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets' >"$T/nov.csv"
run_costs import "$T/nov.csv"
check_rc 0 "import November"
run_costs project --as-of 2026-11-14 --provider render --plan professional --budget 150
check_rc 3 "the nightly job prices the successor (over budget, not a failure)"
check_grep "priced as its successor 'pro'" "$T/err" "project notes the successor"
check_grep "budget exceeded: the projected bill for render pro in 2026-11" "$T/err" "budget on the successor"

# --- equivalent capacity (issue 16) ---
# The seed's month (1.3 TB, imported above) with a Render service of two
# standard instances (1 vCPU, 2 GB, shared): Fly and Hetzner are priced with
# what fits, and the table says what it chose.
printf '[provider render]\nplan = professional\ninstances = standard:2\n' >"$T/render.conf"
run_costs --config "$T/render.conf" compare --month 2026-05 --rate EUR=1.08
check_rc 0 "seed month with a render service"
check_grep '^need 2x 1 vCPU/2.00 GB shared, as on render' "$T/out" "the need, derived from render"
# fly: shared-cpu-1x-2gb, 2 x 0.00000413 x 2,678,400 s = 22.12; + 26.00 egress
check_grep '^fly  *payg  *na-eu  *2x shared-cpu-1x-2gb  *need  *shared .* 22.12  *26.00 .* 48.12  *USD$' "$T/out" "fly: shared-cpu-1x-2gb x 2"
# hetzner cx23: 2 x EUR 3.99 = 7.98 x 1.08 = 8.6184 -> 8.62
check_grep '^hetzner  *cx23 \*  *eu  *2x cx23  *need  *shared .*  8.62  *USD$' "$T/out" "hetzner: 2x cx23"
# render as configured: 2 x 25 + seat 19 + 8 blocks x 15 = 189 (uncertain: the legacy block rule after 2026-04-23)
check_grep '^render  *professional \*  *global  *2x standard  *config  *shared .* 189.00  *USD$' "$T/out" "render as configured"
check_eq "cheapest first by the whole bill" "hetzner cax11" "$(awk 'f { print $1, $2; exit } /^provider / { f = 1 }' "$T/out")"
run_costs --config "$T/render.conf" compare --month 2026-05 --format csv
check_eq "csv: fit, cpu and need at the end" "fly,payg,shared-cpu-1x-2gb,2,need,shared,2x 1 vCPU/2.00 GB shared" \
	"$(grep '^fly,' "$T/out" | cut -d, -f1,2,16,17,19-21)"
check_eq "csv: render's row is its config" "render,professional,standard,2,config,shared," \
	"$(grep '^render,' "$T/out" | cut -d, -f1,2,16,17,19-21)"
run_costs --config "$T/render.conf" compare --month 2026-05 --format json
check_eq "json: fit and need" "need 2x 1 vCPU/2.00 GB shared render" \
	"$(/usr/bin/python3 -c 'import json,sys; r=[x for x in json.load(sys.stdin) if x["provider"]=="fly"][0]; print(r["fit"], r["need"], r["need_from"])' <"$T/out")"

# Dedicated is never traded for shared: --need ...,dedicated on fly takes a
# performance machine (0.00001196 x 2,678,400 = 32.03 each), render none.
run_costs compare --month 2026-05 --need 2x1cpu/2GB,dedicated --provider fly,render
check_rc 0 "a dedicated need"
check_grep '^fly  *payg  *na-eu  *2x performance-1x-2gb  *need  *dedicated .* 64.07 ' "$T/out" "fly performance for dedicated"
check_grep '^nothing meets the need on: render$' "$T/out" "render has no dedicated CPU"
run_costs compare --month 2026-05 --need 2x1cpu/2GB,dedicated --allow-shared --provider fly
check_grep '^fly  *payg  *na-eu  *2x shared-cpu-1x-2gb ' "$T/out" "--allow-shared takes shared"
# A need nothing fits: derived, the rows that fit stay; given, an error.
printf '[provider fly]\ninstances = performance-16x-128gb\n' >"$T/big.conf"
run_costs --config "$T/big.conf" compare --month 2026-05 --provider fly,hetzner,render
check_rc 0 "a derived need only its own provider meets"
check_grep "^nothing meets the need on: hetzner, render\$" "$T/out" "unfit providers named"
run_costs compare --month 2026-05 --need 1x64cpu/512GB
check_rc 1 "a given need nothing meets"
check_grep "no plan has an instance that fits the need" "$T/err" "says nothing fits"
run_costs compare --month 2026-05 --need 2x1cpu
check_rc 2 "a need without memory"
check_grep "bad --need '2x1cpu'" "$T/err" "names the need"
# Nothing known of compute: every row says so, and the order says what it is.
run_costs compare --month 2026-05
check_grep '^cheapest first by egress and fees only: compute unknown' "$T/out" "order named"
check_eq "every row marked unknown" 0 "$(tail -n +3 "$T/out" | grep -E '^(fly|render|hetzner) ' | grep -vc ' unknown ')"

# --- the migration view ---
# From render (189.00) with a month of overlap, at EUR 1.08: ex44 is
# 2 x 39 x 1.08 = 84.24 a month, 104.76 less; setup 2 x 99 x 1.08 = 213.84;
# one-off 213.84 + 84.24 = 298.08, paid back in 3 months (2 save 209.52).
run_costs --config "$T/render.conf" compare --month 2026-05 --rate EUR=1.08 --from render --overlap
check_rc 0 "--from render --overlap"
check_grep '^migration from render/professional: 189.00 USD a month now' "$T/out" "what runs now"
check_grep '^hetzner/ex44  *84.24  *-104.76  *213.84  *84.24  *298.08  *3 months  *USD$' "$T/out" "ex44 payback"
check_grep '^hetzner/cx23  *8.62  *-180.38  *0.00  *8.62  *8.62  *1 month  *USD$' "$T/out" "cx23 payback"
run_costs --config "$T/render.conf" compare --month 2026-05 --from render:professional
check_grep '^hetzner/ex44  *78.00  *-  .*other currency  *EUR$' "$T/out" "no rate: not comparable"
run_costs compare --month 2026-05 --from render
check_rc 1 "--from a provider with several plans"
check_grep "say which, as render:PLAN" "$T/err" "asks for the plan"
check_eq "nothing printed before the error" "" "$(cat "$T/out")"
run_costs compare --month 2026-05 --from nope
check_rc 1 "--from an unknown provider"
check_grep "unknown provider 'nope' in --from" "$T/err" "names it"
run_costs compare --month 2026-05 --overlap
check_rc 2 "--overlap without --from"
run_costs compare --month 2026-05 --from render:pro --first-month
check_rc 2 "--from with --first-month"
run_costs compare --month 2026-05 --from render:
check_rc 2 "--from with an empty plan"

# Fees set in [provider NAME] (tests/pricing/test_fees.c works them by hand):
# in the other column of every format, the lines adding up to the total.
cat >"$T/fees.conf" <<'CONF'
[provider render]
plan = pro
build_minutes = 4000
custom_domains = 17

[provider fly]
volume_gb = 20
snapshot_gb = 15
ipv4 = 1

[provider hetzner]
plan = cx23
count = 2
ordered = 2026-05-01
ipv4 = no
CONF
run_costs --config "$T/fees.conf" compare --egress 1.3TB --month 2026-05 --format csv
check_rc 0 "compare with fees"
# render pro: 3,000 minutes over x 0.005 = 15.00, 2 domains over x 0.25 = 0.50
check_eq "render fees in other" "15.50" "$(grep '^render,pro,' "$T/out" | cut -d, -f12)"
# fly: 20 x 0.15 + 5 x 0.08 + 2 = 5.40; hetzner: 2 x -0.50 IPv6-only
check_eq "fly fees in other" "5.40" "$(grep '^fly,payg,' "$T/out" | cut -d, -f12)"
check_eq "hetzner IPv6-only credit" "-1.00" "$(grep '^hetzner,cx23,' "$T/out" | cut -d, -f12)"
check_eq "hetzner total" "6.98" "$(grep '^hetzner,cx23,' "$T/out" | cut -d, -f13)"
# Every row: base + compute + egress + other + seats + vat = total, in cents.
check_eq "csv lines add up" "" "$(awk -F, 'NR > 1 {
	s = $9 * 100 + $10 * 100 + $11 * 100 + $12 * 100 + $14 * 100 + $15 * 100
	if (sprintf("%.0f", s) != sprintf("%.0f", $13 * 100)) print $1 "," $2 }' "$T/out")"
run_costs --config "$T/fees.conf" compare --egress 1.3TB --month 2026-05 --format json --provider fly
check_rc 0 "compare json with fees"
check_grep '"other": "5.40"' "$T/out" "json other has the fees"
run_costs --config "$T/fees.conf" compare --egress 1.3TB --month 2026-05 --provider hetzner
check_rc 0 "compare table with fees"
check_grep ' -1.00 ' "$T/out" "table other has the credit"
printf '[provider hetzner]\nplan = cx23\nipv4 = maybe\n' >"$T/bad.conf"
run_costs --config "$T/bad.conf" compare --egress 1TB --month 2026-05
check_rc 1 "bad fee quantity"
check_grep "bad.conf:3: bad quantity 'maybe' for 'ipv4'" "$T/err" "fee error with file:line"

finish
