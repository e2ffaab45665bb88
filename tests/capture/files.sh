#!/usr/bin/env bash
# costs capture -r over the recorded fixtures (totals against tshark's,
# committed beside them), stdin, pcap and pcapng by magic, bad files and a
# file cut short in the middle of a record.
. "$SRCDIR/tests/lib.sh"
D="$SRCDIR/tests/data/capture"
export COSTS_CONFIG="$D/services.conf"

# totals FILE.csv SERVICE: prints "egress ingress" summed over days
totals() {
	awk -F, -v s="$2" 'NR > 1 && $3 == s { e += $5; i += $6 } END { printf "%d %d\n", e, i }' "$1"
}

for f in web.pcap web-any.pcapng; do
	rm -f "$COSTS_DB"*
	run_costs capture -r "$D/$f" --local 192.0.2.1,2001:db8::1
	check_rc 0 "capture $f"
	check_grep "packets" "$T/out" "summary line for $f"
	"$COSTS" export daily >"$T/daily.csv"
	exp="$D/${f%.*}.expected"
	all_e=0 all_i=0
	while IFS=, read -r svc e i; do
		[ "$svc" = service ] && continue
		all_e=$((all_e + e)) all_i=$((all_i + i))
		[ "$svc" = other ] && continue
		check_eq "$f $svc egress ingress" "$e $i" "$(totals "$T/daily.csv" "$svc")"
	done <"$exp"
	got=$(awk -F, 'NR > 1 { s += $5 + $6 } END { print s + 0 }' "$T/daily.csv")
	check_eq "$f all layer-3 bytes" "$((all_e + all_i))" "$got"
	check_eq "$f source" "pcap" "$(awk -F, 'NR == 2 { print $4 }' "$T/daily.csv")"

	# auto: the side that accepted the connection is local, same totals for TCP
	rm -f "$COSTS_DB"*
	run_costs -q capture -r "$D/$f"
	check_rc 0 "capture $f auto"
	check_eq "quiet prints nothing" "" "$(cat "$T/out" "$T/err")"
	"$COSTS" export daily >"$T/auto.csv"
	for svc in https http ws; do
		check_eq "$f $svc auto" "$(totals "$T/daily.csv" $svc)" "$(totals "$T/auto.csv" $svc)"
	done
done

# Coverage: packets seen and a non-zero observed span.
if command -v sqlite3 >/dev/null; then
	frames=$(tshark -r "$D/web-any.pcapng" -T fields -e frame.number 2>/dev/null | wc -l)
	check_eq "coverage packets" "$frames" \
		"$(sqlite3 "$COSTS_DB" "select sum(packets) from coverage where source = 'pcap'")"
fi

# Standard input, and pcapng detected by content whatever the name.
rm -f "$COSTS_DB"*
run_costs capture -r - <"$D/web.pcap"
check_rc 0 "capture from stdin"
"$COSTS" export daily >"$T/stdin.csv"
cp "$D/web-any.pcapng" "$T/looks-like.pcap"
run_costs capture -r "$T/looks-like.pcap"
check_rc 0 "pcapng named .pcap"
rm -f "$COSTS_DB"*
"$COSTS" -q capture -r "$D/web.pcap"
"$COSTS" export daily >"$T/file.csv"
check_eq "stdin and file agree" "$(cat "$T/file.csv")" "$(cat "$T/stdin.csv")"

# Two captures on one database at once: busy timeout, no lost updates.
rm -f "$COSTS_DB"*
"$COSTS" -q capture -r "$D/web.pcap" --flush 1 &
p1=$!
"$COSTS" -q capture -r "$D/web-any.pcapng" --flush 1 &
p2=$!
RC=0
wait $p1 || RC=$?
wait $p2 || RC=$?
check_rc 0 "two captures at once"
one=$(awk -F, 'NR > 1 { s += $5 + $6 } END { print s + 0 }' "$T/file.csv")
"$COSTS" export daily >"$T/both.csv"
both=$(awk -F, 'NR > 1 { s += $5 + $6 } END { print s + 0 }' "$T/both.csv")
any=$(awk -F, 'NR > 1 { s += $2 + $3 } END { print s + 0 }' "$D/web-any.expected")
check_eq "concurrent totals add up" "$((one + any))" "$both"

# A progress bar only on a terminal (script(1) provides one).
if command -v script >/dev/null; then
	rm -f "$COSTS_DB"*
	script -qec "\"$COSTS\" capture -r \"$D/web.pcap\"" /dev/null >"$T/tty.out" 2>&1 || true
	check_grep "] *[0-9]*% .*packets/s" "$T/tty.out" "progress bar on a terminal"
	rm -f "$COSTS_DB"* # the file was just captured: a second capture is refused
	run_costs capture -r "$D/web.pcap"
	check_eq "no progress bar when stderr is not a terminal" "" "$(cat "$T/err")"
fi

# Bad input: error naming the file and the reason, exit 1, nothing stored.
rm -f "$COSTS_DB"*
: >"$T/empty.pcap"
run_costs capture -r "$T/empty.pcap"
check_rc 1 "empty file"
check_grep "'$T/empty.pcap': empty file" "$T/err" "empty file message"
echo "not a capture at all, just text" >"$T/text.pcap"
run_costs capture -r "$T/text.pcap"
check_rc 1 "text file"
check_grep "'$T/text.pcap': not a pcap or pcapng capture" "$T/err" "text file message"
head -c 10 "$D/web.pcap" >"$T/header-cut.pcap"
run_costs capture -r "$T/header-cut.pcap"
check_rc 1 "file header cut"
check_grep "header-cut.pcap" "$T/err" "file header cut message"
# A pcap of link type 105 (802.11), which capture does not decode.
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x69\x00\x00\x00' >"$T/wifi.pcap"
run_costs capture -r "$T/wifi.pcap"
check_rc 1 "unsupported link type"
check_grep "unsupported link type 105" "$T/err" "link type message"
run_costs capture -r "$T/no-such.pcap"
check_rc 1 "missing file"
check_grep "cannot open '$T/no-such.pcap': No such file or directory" "$T/err" "missing file message"
run_costs capture -r "$T"
check_rc 1 "directory"
check_eq "nothing stored after bad input" "no" "$([ -e "$COSTS_DB" ] && echo yes || echo no)"

# Cut in the middle of a record: what came before counts, warning, exit 0.
size=$(stat -c %s "$D/web.pcap")
head -c $((size / 2)) "$D/web.pcap" >"$T/cut.pcap"
want=$(tshark -r "$T/cut.pcap" -T fields -e ip.len -e ipv6.plen 2>/dev/null |
	awk -F'\t' '{ split($1, a, ","); split($2, b, ","); s += a[1] != "" ? a[1] : b[1] + 40 } END { print s + 0 }')
run_costs capture -r "$T/cut.pcap"
check_rc 0 "truncated file"
check_grep "warning: '$T/cut.pcap' is cut short: the record at byte offset [0-9]* is incomplete" "$T/err" "truncation warning"
off=$(sed -n 's/.*byte offset \([0-9]*\).*/\1/p' "$T/err")
# The offset is where the incomplete record starts: the file up to it reads cleanly.
head -c "$off" "$T/cut.pcap" >"$T/cut-clean.pcap"
tshark -r "$T/cut-clean.pcap" >/dev/null 2>"$T/tshark.err"
check_eq "file before the offset is whole" "" "$(grep -v "Running as user" "$T/tshark.err")"
got=$("$COSTS" export daily | awk -F, 'NR > 1 { s += $5 + $6 } END { print s + 0 }')
check_eq "truncated file bytes" "$want" "$got"

# Days follow the config's time zone: 2026-05-28 20:26 UTC is the 29th in Tokyo.
python3 "$SRCDIR/tests/bench/gen_capture.py" "$T/tz.pcap" --one-shot --flows 10 >/dev/null
rm -f "$COSTS_DB"*
printf '[costs]\ntimezone = Asia/Tokyo\n' >"$T/tz.conf"
COSTS_CONFIG="$T/tz.conf" run_costs -q capture -r "$T/tz.pcap"
check_rc 0 "capture with a time zone"
check_eq "day in Tokyo" "2026-05-29" "$("$COSTS" export daily | awk -F, 'NR == 2 { print $1 }')"
rm -f "$COSTS_DB"*
run_costs -q capture -r "$T/tz.pcap"
check_eq "day in UTC" "2026-05-28" "$("$COSTS" export daily | awk -F, 'NR == 2 { print $1 }')"
printf '[costs]\ntimezone = Mars/Olympus\n' >"$T/tz.conf"
COSTS_CONFIG="$T/tz.conf" run_costs -q capture -r "$T/tz.pcap"
check_rc 1 "unknown time zone"
check_grep "unknown time zone 'Mars/Olympus'" "$T/err" "time zone message"

# Usage errors.
run_costs capture
check_rc 2 "no source"
run_costs capture -r "$D/web.pcap" -i lo
check_rc 2 "two sources"
run_costs capture -r "$D/web.pcap" --local 10.0.0.0/40
check_rc 2 "bad --local"
run_costs capture -r "$D/web.pcap" --max-memory 10
check_rc 2 "tiny --max-memory"
run_costs capture --help
check_rc 0 "help"
check_grep "max-memory" "$T/out" "help lists options"

# A damaged verdict set costs a warning, not the capture, and the flush
# drops it once it has expired by the packets' time.
rm -f "$COSTS_DB"*
run_costs -q capture -r "$D/web.pcap"
check_rc 0 "capture that stores verdicts"
check_eq "one verdict set" 1 "$(sqlite3 "$COSTS_DB" 'SELECT count(*) FROM verdict_sets')"
sqlite3 "$COSTS_DB" "UPDATE verdict_sets SET data = substr(data, 1, 7), expires = 1"
run_costs capture -r "$D/web.pcap" --again
check_rc 0 "capture with a damaged verdict set"
check_grep "warning: stored verdicts not used: database '.*': verdict set 1 is damaged" "$T/err" \
	"the damaged set is named"
check_eq "the expired damaged set is dropped" 0 \
	"$(sqlite3 "$COSTS_DB" 'SELECT count(*) FROM verdict_sets WHERE id = 1')"
check_eq "the second capture's totals are stored" 2 \
	"$(sqlite3 "$COSTS_DB" 'SELECT count(*) FROM captures')"

# Rules capture cannot apply are named once.
printf '[service api]\nmatch = cgroup=system.slice/api.service\nmatch = port=8765\n' >"$T/cg.conf"
rm -f "$COSTS_DB"*
COSTS_CONFIG="$T/cg.conf" run_costs capture -r "$D/web.pcap"
check_rc 0 "config with cgroup rule"
check_eq "one warning for the cgroup rule" 1 "$(grep -c "cgroup" "$T/err")"
check_grep "cg.conf:2: service 'api'" "$T/err" "warning names file, line and service"
"$COSTS" export daily >"$T/cg.csv"
check_eq "port rule of the same service still applies" "$(totals "$T/daily.csv" ws)" "$(totals "$T/cg.csv" api)"
finish
