#!/usr/bin/env bash
# Names are identifiers: a host name in an imported CSV or the config, a
# service name in the config and a plan name in a provider table are
# refused with file:line and the value when they hold anything but letters,
# digits, '.', '_', '-' ('/' in plans), or start with '-', so no name can be
# a spreadsheet formula in an export.  Import reads UTF-8 with or without a
# byte order mark and refuses anything else; a refused file leaves the
# database as it was.
. "$SRCDIR/tests/lib.sh"

hdr='day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets'
printf '%s\n%s\n' "$hdr" '2026-05-01,web1,https,import,100,0,1,0' >"$T/good.csv"
run_costs import "$T/good.csv"
check_rc 0 "a good import"
sqlite3 "$COSTS_DB" 'SELECT COUNT(*), SUM(bytes) FROM daily' >"$T/before" 2>/dev/null

printf '%s\n%s\n%s\n' "$hdr" '2026-05-02,web1,https,import,5,0,1,0' \
	'2026-05-02,"=HYPERLINK(""http://x"",""y"")",https,import,7,0,1,0' >"$T/formula.csv"
run_costs import "$T/formula.csv"
check_rc 1 "a formula as host name"
check_eq "the message names file:line and the value" \
	"costs: $T/formula.csv:3: bad host name '=HYPERLINK(\"http://x\",\"y\")' (a letter or digit, then letters, digits, '_', '.' or '-'; at most 253 characters) (nothing imported)" \
	"$(cat "$T/err")"
printf '%s\n%s\n' "$hdr" '2026-05-02,-oops,https,import,5,0,1,0' >"$T/dash.csv"
run_costs import "$T/dash.csv"
check_rc 1 "a host name starting with -"
check_grep "dash.csv:2: bad host name '-oops'" "$T/err" "dash message"
printf '%s\n%s\n' "$hdr" $'2026-05-02,a\x1b[2Jb,https,import,5,0,1,0' >"$T/esc.csv"
run_costs import "$T/esc.csv"
check_rc 1 "a terminal escape in a host name"
check_grep "esc.csv:2: bad host name 'a\\\\x1b\[2Jb'" "$T/err" "the escape is shown as \\x1b"
printf '%s\n%s\n' "$hdr" $'2026-05-02,web1,caf\xe9,import,5,0,1,0' >"$T/latin1.csv"
run_costs import "$T/latin1.csv"
check_rc 1 "Latin-1 text"
check_eq "invalid UTF-8 names the line" "costs: $T/latin1.csv:2: invalid UTF-8 (nothing imported)" "$(cat "$T/err")"
if command -v sqlite3 >/dev/null; then
	check_eq "refused imports leave the database as it was" "$(cat "$T/before")" \
		"$(sqlite3 "$COSTS_DB" 'SELECT COUNT(*), SUM(bytes) FROM daily')"
fi
printf '\xef\xbb\xbf%s\r\n%s\r\n' "$hdr" '2026-05-03,web2,https,import,9,0,1,0' >"$T/bom.csv"
run_costs import "$T/bom.csv"
check_rc 0 "a CSV with a byte order mark and CRLF"
run_costs export daily --from 2026-05-03 --to 2026-05-03
check_grep '^2026-05-03,web2,https,import,9,0,1,0' "$T/out" "the BOM file's row"

# The config: host and service names.
printf '[costs]\nhost = @SUM(A1)\n' >"$T/host.conf"
run_costs --config "$T/host.conf" report
check_rc 1 "a formula as the config's host"
check_grep "^costs: $T/host.conf:2: bad host name '@SUM(A1)'" "$T/err" "config host message"
printf '[service web]\nmatch = port=80\n\n[service =1+1]\nmatch = port=81\n' >"$T/svc.conf"
run_costs --config "$T/svc.conf" report
check_rc 1 "a formula as a service name"
check_grep "^costs: $T/svc.conf:4: bad service name '=1+1'" "$T/err" "config service message"

# Provider tables: plan names.
mkdir "$T/prov"
sed '0,/^plan,\([a-z0-9-]*\),/s//plan,=cmd|x,/' "$SRCDIR/providers/hetzner.csv" >"$T/prov/hetzner.csv"
grep -n '^plan,=cmd|x,' "$T/prov/hetzner.csv" | cut -d: -f1 >"$T/line"
run_costs providers check "$T/prov/hetzner.csv"
check_rc 1 "a formula as a plan name"
check_grep "hetzner.csv:$(cat "$T/line"):[0-9]*: bad plan name '=cmd|x'" "$T/out" "plan message with file:line:column"
finish
