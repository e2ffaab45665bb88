# costs import: validation, atomicity and idempotence.
. "$SRCDIR/tests/lib.sh"
H=day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets

run_costs import "$SRCDIR/tests/data/small.csv"
check_rc 0 "import"
run_costs export daily
check_golden import-once.csv "$T/out"
cp "$T/out" "$T/once.csv"

# Importing again changes nothing.
run_costs import "$SRCDIR/tests/data/small.csv"
check_rc 0 "second import"
run_costs export daily
check_eq "idempotent import" "$(cat "$T/once.csv")" "$(cat "$T/out")"

# Standard input works.
printf '%s\nday,host,service,source,1,2,3,4\n' "$H" >/dev/null
printf '%s\n2026-06-01,web1,https,,10,20,1,2\n' "$H" | "$COSTS" import - 2>"$T/err"
check_eq "import from stdin" "0" "$?"
run_costs report --from 2026-06-01 --to 2026-06-01 --format csv
check_grep "^2026-06-01,web1,https,import,10,20,1,2$" "$T/out" "stdin row stored"

# Every kind of bad row fails the whole import, names file:line, writes nothing.
cp "$COSTS_DB" "$T/before.db"
snapshot() { "$COSTS" export daily; }
before=$(snapshot)
bad() { # NAME ROW EXPECTED-MESSAGE
	printf '%s\n2026-05-01,web1,https,import,1,1,1,1\n%s\n' "$H" "$2" >"$T/bad-$1.csv"
	run_costs import "$T/bad-$1.csv"
	check_rc 1 "bad row: $1"
	check_grep "$T/bad-$1.csv:3: $3" "$T/err" "bad row message: $1"
	check_grep "(nothing imported)" "$T/err" "bad row says nothing imported: $1"
	check_eq "bad row leaves store: $1" "$before" "$(snapshot)"
}
bad date '2026-02-30,web1,https,import,1,1,1,1' "'2026-02-30' is not a valid date"
bad datefmt '26-05-01,web1,https,import,1,1,1,1' "'26-05-01' is not a date (YYYY-MM-DD)"
bad service '2026-05-01,web1,,import,1,1,1,1' "empty service"
bad negative '2026-05-01,web1,https,import,-1,1,1,1' "bad egress_bytes: '-1' is not a whole number"
bad toobig '2026-05-01,web1,https,import,9223372036854775808,1,1,1' "bad egress_bytes: '9223372036854775808' is out of range"
bad text '2026-05-01,web1,https,import,1,lots,1,1' "bad ingress_bytes: 'lots' is not a whole number"
bad fields '2026-05-01,web1,https,import,1,1' "6 fields, expected 8"
bad source '2026-05-01,web1,https,guess,1,1,1,1' "unknown source 'guess'"
bad quote '2026-05-01,web1,"https,import,1,1,1,1' "malformed CSV"

# A wrong header is refused.
printf 'date,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets\n' >"$T/hdr.csv"
run_costs import "$T/hdr.csv"
check_rc 1 "bad header"
check_grep "hdr.csv:1: column 1 of the header is 'date', expected 'day'" "$T/err" "bad header message"

# An empty file or a header alone is an error, not a silent success.
: >"$T/empty.csv"
run_costs import "$T/empty.csv"
check_rc 1 "empty file"
check_grep "no rows to import" "$T/err" "empty file message"

run_costs import "$T/does-not-exist.csv"
check_rc 1 "missing file"
check_eq "missing file message" "costs: cannot open '$T/does-not-exist.csv': No such file or directory" "$(cat "$T/err")"

# Names with commas, quotes and newlines survive a round trip through export.
printf '%s\n2026-05-03,web1,"we,ird ""name""\nline2",import,5,6,7,8\n' "$H" >"$T/weird.csv"
run_costs import "$T/weird.csv"
check_rc 0 "import quoted name"
run_costs export daily --from 2026-05-03 --to 2026-05-03
check_golden export-quoted.csv "$T/out"
cp "$T/out" "$T/reexport.csv"
rm -f "$COSTS_DB"
run_costs import "$T/reexport.csv"
run_costs export daily
check_eq "round trip of quoted names" "$(cat "$T/reexport.csv")" "$(cat "$T/out")"

# Rows naming the same host, day, service and source add up within one
# file; each keeps its source, and importing twice changes nothing.
rm -f "$COSTS_DB"
printf '%s\n2026-05-01,web1,https,pcap,10,1,1,1\n2026-05-01,web1,https,nft,5,1,1,1\n2026-05-01,web1,https,nft,4,1,1,1\n' "$H" >"$T/dup.csv"
run_costs import "$T/dup.csv"
run_costs import "$T/dup.csv"
run_costs report --format csv --source all
check_grep "^2026-05-01,web1,https,nft,9,2,2,2$" "$T/out" "same key rows add up once"
check_grep "^2026-05-01,web1,https,pcap,10,1,1,1$" "$T/out" "another source kept apart"
run_costs report --format csv
check_eq "report: one source per host and day" "$(printf '%s\n2026-05-01,web1,https,nft,9,2,2,2' "$H")" "$(cat "$T/out")"

# Moving data between hosts: export daily, import elsewhere.  Before the
# fix every row became source import and was summed (nft + iface + pcap),
# and the interface row became a billable service.
rm -f "$COSTS_DB"
cat >"$T/src.csv" <<CSV
$H
2026-05-01,web1,https,nft,8000000,10,1,1
2026-05-01,web1,game,nft,150000,10,1,1
2026-05-01,web1,eth0,iface,8160000,30,3,3
2026-05-01,web1,https,pcap,7900000,10,1,1
2026-05-02,web1,eth0,iface,1000,1,1,1
CSV
run_costs --db "$T/a.db" import "$T/src.csv"
run_costs --db "$T/a.db" compare --month 2026-05 --provider render --plan pro --format csv
check_rc 0 "compare on the source host"
before=$(cut -d, -f6 "$T/out" | tail -1)
run_costs --db "$T/a.db" export daily --source all --out "$T/moved.csv"
run_costs --db "$T/b.db" import "$T/moved.csv"
run_costs --db "$T/b.db" compare --month 2026-05 --provider render --plan pro --format csv
after=$(cut -d, -f6 "$T/out" | tail -1)
check_eq "compare egress before and after a move" "$before" "$after"
check_eq "compare egress is nft's on day 1 and iface's on day 2" "8151000" "$after"
run_costs --db "$T/b.db" report --format csv --month 2026-05
check_eq "report after a move" "$(printf '%s\n2026-05-01,web1,game,nft,150000,10,1,1\n2026-05-01,web1,https,nft,8000000,10,1,1\n2026-05-02,web1,eth0,iface,1000,1,1,1' "$H")" "$(cat "$T/out")"
finish
