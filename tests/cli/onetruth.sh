# Defects of the "one truth" issue that cut across commands: reversed
# ranges, the config's time zone deciding days, invalid zones refused by
# every command that records, --by where it does not apply, and read-only
# use of a database (another user, a read-only mount).
. "$SRCDIR/tests/lib.sh"
H=day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets

# Reversed ranges are usage errors (they printed the whole database).
"$COSTS" import "$SRCDIR/tests/data/small.csv" 2>/dev/null
run_costs report --from 2026-05-31 --to 2026-05-30
check_rc 2 "reversed range"
check_grep "after --to" "$T/err" "reversed range named"
run_costs export daily --from 2026-05-31 --to 2026-05-30
check_rc 2 "reversed range in export"
run_costs report --month 2026-05 --yesterday
check_rc 2 "two kinds of period"

# export daily has a row per day: --by month is a usage error, not daily rows.
run_costs export daily --by month
check_rc 2 "export daily --by month"
check_grep "does not apply" "$T/err" "export --by explained"

# --yesterday is yesterday in the config's zone.  Kiritimati (UTC+14) and
# Pago Pago (UTC-11) are 25 hours apart, so their yesterdays always differ.
rm -f "$COSTS_DB"
{
	echo "$H"
	for k in -4 -3 -2 -1 0 1 2; do
		echo "$(date -u -d "$k day" +%F),h,https,import,$((k + 10)),0,0,0"
	done
} >"$T/days.csv"
"$COSTS" import "$T/days.csv" 2>/dev/null
for z in Pacific/Kiritimati Pacific/Pago_Pago; do
	printf '[costs]\ntimezone = %s\n' "$z" >"$T/tz.conf"
	want=$(TZ=$z date -d yesterday +%F)
	run_costs --config "$T/tz.conf" report --yesterday --format csv
	check_rc 0 "report --yesterday in $z"
	check_eq "--yesterday in $z" "$want" "$(sed -n 2p "$T/out" | cut -d, -f1)"
	# The same with TZ set otherwise in the environment: the config wins.
	TZ=Asia/Tokyo run_costs --config "$T/tz.conf" report --yesterday --format csv
	check_eq "--yesterday in $z whatever TZ says" "$want" "$(sed -n 2p "$T/out" | cut -d, -f1)"
done

# Zones that are not zones are errors for every command, sample and
# capture included (sample accepted Mars/Olympus, capture took 'Europe').
for z in Mars/Olympus Europe zone.tab ../etc/passwd; do
	printf '[costs]\ntimezone = %s\n' "$z" >"$T/bad.conf"
	for c in report sample "capture -r $SRCDIR/tests/data/capture/web.pcap"; do
		# shellcheck disable=SC2086
		run_costs --config "$T/bad.conf" $c
		check_rc 1 "timezone '$z' refused by ${c%% *}"
		check_grep "bad.conf:2: .*time zone '$z'" "$T/err" "timezone '$z' named by ${c%% *}"
	done
done

# Read-only use: another user reads a readable database without writing
# anything, and a read-only mount works for every read command.
if nobody_can_run; then
	mkdir -p "$T/ro"
	cp "$COSTS_DB" "$T/ro/costs.db"
	chmod 755 "$T" "$T/ro"
	chmod 644 "$T/ro/costs.db"
	sum=$(sha256sum <"$T/ro/costs.db")
	RC=0
	setpriv --reuid 65534 --regid 65534 --clear-groups env HOME=/nonexistent \
		COSTS_CONFIG=/dev/null "$COSTS" --db "$T/ro/costs.db" report --format csv \
		>"$T/out" 2>"$T/err" || RC=$?
	check_rc 0 "another user reads a readable database"
	check_eq "rows read by another user" "8" "$(wc -l <"$T/out" | tr -d ' ')"
	check_eq "nothing written by a reader" "$sum" "$(sha256sum <"$T/ro/costs.db")"
	check_eq "no log left by a reader" "" "$(ls "$T/ro" | grep -v '^costs.db$')"
	# A user with no database of their own is pointed at the system one.
	RC=0
	setpriv --reuid 65534 --regid 65534 --clear-groups env -u COSTS_DB HOME=/nonexistent \
		XDG_DATA_HOME="$T/ro/none" COSTS_CONFIG=/dev/null "$COSTS" report \
		>"$T/out" 2>"$T/err" || RC=$?
	check_rc 1 "no database of one's own"
	if [ -e /var/lib/costs/costs.db ]; then
		check_grep "/var/lib/costs/costs.db" "$T/err" "the system database named"
	else
		check_grep "no database at '$T/ro/none/costs/costs.db'" "$T/err" "own path named"
	fi
	if unshare -m true 2>/dev/null; then
		# A readable system database is read by a user who has none.
		RC=0
		unshare -m sh -c 'mount -t tmpfs none /var/lib && mkdir -m 755 /var/lib/costs &&
			cp "$1/costs.db" /var/lib/costs/costs.db && chmod 644 /var/lib/costs/costs.db &&
			setpriv --reuid 65534 --regid 65534 --clear-groups env -u COSTS_DB \
				HOME=/nonexistent XDG_DATA_HOME="$1/none" COSTS_CONFIG=/dev/null \
				"$2" report --format csv' sh "$T/ro" "$COSTS" >"$T/out" 2>"$T/err" || RC=$?
		check_rc 0 "a readable system database is read"
		check_eq "rows of the system database" "8" "$(wc -l <"$T/out" | tr -d ' ')"
		RC=0
		unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" &&
			for c in "report --format csv" "export daily" "compare --month 2026-05 --format csv" \
				"project --format csv" "plot daily --out /dev/null/x.png"; do
				echo "== $c"; "$2" --db "$1/costs.db" $c 2>&1 | tail -2
			done' sh "$T/ro" "$COSTS" >"$T/out" 2>&1 || RC=$?
		check_eq "no read-only errors on a read-only mount" "0" "$(grep -c 'readonly database' "$T/out")"
		check_grep "^2026-11\|^2026-12\|^day,host" "$T/out" "report on a read-only mount"
	else
		echo "SKIP part: no mount namespaces (unshare -m)"
	fi
else
	echo "SKIP part: read-only checks need root, setpriv and a costs binary uid 65534 may run"
fi

# The line under report's table counts the rows the one-source rule hid, as
# --source all would show them: by day, and merged by month.
rm -f "$COSTS_DB"
cat >"$T/two.csv" <<EOF
$H
2026-05-01,h,https,nft,100,0,1,0
2026-05-01,h,https,pcap,100,0,1,0
2026-05-01,h,eth0,iface,200,0,1,0
2026-05-02,h,https,nft,50,0,1,0
2026-05-02,h,https,pcap,50,0,1,0
EOF
"$COSTS" -q import "$T/two.csv"
run_costs report --month 2026-05 --by day
check_grep ": 3 rows of other sources" "$T/out" "hidden rows by day"
run_costs report --month 2026-05 --by month
check_grep ": 2 rows of other sources" "$T/out" "hidden rows by month"
run_costs report --month 2026-05 --by day --service https
check_grep ": 2 rows of other sources" "$T/out" "hidden rows of one service"
run_costs report --month 2026-05 --source all
check_eq "nothing hidden with --source all" "0" "$(grep -c 'other sources' "$T/out")"

# export finds its kind after options without guessing which take values;
# a kind that is also an option's value must come first.
run_costs export --source all --from 2026-05-01 daily
check_rc 0 "export: options before the kind"
check_grep "^day,host" "$T/out" "export: daily after options"
run_costs export --service daily monthly
check_rc 2 "export: two kinds named"
check_grep "right after 'export'" "$T/err" "export: kind first asked"
run_costs export --out "$T/cmp.csv" compare --egress 1TB --provider hetzner
check_rc 0 "export compare after --out"
check_grep "^provider,plan" "$T/cmp.csv" "export compare written to --out"

# export compare writes compare's CSV through compare's own parser and
# writer: the same bytes, and options that only print text are refused by name.
"$COSTS" compare --egress 1.3TB --month 2026-05 --need 2x1cpu/2GB --format csv >"$T/c1.csv"
run_costs export compare --egress 1.3TB --month 2026-05 --need 2x1cpu/2GB
check_rc 0 "export compare with --need"
check_eq "export compare = compare --format csv" "$(cat "$T/c1.csv")" "$(cat "$T/out")"
run_costs export compare --egress 1TB --format csv
check_rc 2 "export compare --format"
check_grep "'--format' does not apply" "$T/err" "the option named, not its value"
run_costs export compare --egress 1TB --breakeven
check_rc 2 "export compare --breakeven"

finish
