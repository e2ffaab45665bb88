#!/usr/bin/env bash
# costs top against the real kernel: a known transfer inside one --once
# interval shows up as exactly the bytes the table's counter (and the
# interface) counted over it, and as that many bytes per second; while a
# live top runs, the table is re-applied (its counters go on), deleted and
# restored from a saved ruleset (that interval unknown, never its old
# values): the bytes top reports add up to what `nft list counter` saw.  On
# a terminal SIGINT and SIGTERM restore the cursor and exit 0.
. "$SRCDIR/tests/lib.sh"
NETNS_IPV6=0
. "$SRCDIR/tests/nft/netns.sh"
PEERS="$SRCDIR/tests/nft/peers.py"

cat >"$T/costs.conf" <<CONF
[service web]
match = port=tcp/7000
CONF
export COSTS_CONFIG="$T/costs.conf"

# counter NAME: the bytes of a named counter of the table, as nft lists it.
counter() {
	srv nft list counter inet costs "$1" | sed -n 's/.*bytes \([0-9]*\).*/\1/p'
}
# txbytes: bytes the server's interface sent, as the kernel reports them.
txbytes() {
	srv cat "/sys/class/net/$IF/statistics/tx_bytes"
}
traffic() { # N BYTES
	cli /usr/bin/python3 "$PEERS" client-bulk 192.0.2.1 7000 "$1" "$2" || fail "client"
}
# wait_for PATTERN FILE: waits up to 10 s for PATTERN in FILE.
wait_for() {
	local i
	for i in $(seq 100); do
		grep -q "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "'$1' did not appear in $2: $(head -c 300 "$2")"
	return 1
}

start_bg web ready "${SRV[@]}" /usr/bin/python3 "$PEERS" bulk 192.0.2.1 7000 || exit 1
srv "$COSTS" nft apply >"$T/out" 2>"$T/err" || fail "apply: $(cat "$T/err")"
traffic 1 1000 # the first connection's ARP-free warm-up
sleep 0.3

# 1. --once --format csv: the bytes of the interval are the counter's delta.
E0=$(counter egress_web) TE0=$(counter total_egress) X0=$(txbytes)
"${SRV[@]}" "$COSTS" -v top --once --interval 3 --format csv >"$T/once.csv" 2>"$T/once.err" &
TOP=$!
wait_for "first reading" "$T/once.err"
traffic 3 200000
RC=0; wait "$TOP" || RC=$?
check_rc 0 "top --once --format csv"
E1=$(counter egress_web) TE1=$(counter total_egress) X1=$(txbytes)
check_eq "csv header" "time,source,name,direction,bytes,packets,seconds,bytes_per_second,note" "$(head -1 "$T/once.csv")"
row() { # SOURCE NAME DIR FIELD
	awk -F, -v s="$1" -v n="$2" -v d="$3" -v f="$4" '$2 == s && $3 == n && $4 == d { print $f }' "$T/once.csv"
}
check_eq "web egress bytes over the interval" "$((E1 - E0))" "$(row nft web egress 5)"
check_eq "total egress bytes over the interval" "$((TE1 - TE0))" "$(row nft '(total)' egress 5)"
check_eq "interface egress bytes over the interval" "$((X1 - X0))" "$(row iface "$IF" egress 5)"
SECS=$(row nft web egress 7)
RATE=$(row nft web egress 8)
WANT=$(awk -v b="$((E1 - E0))" -v s="$SECS" 'BEGIN { printf "%.0f", b / s }')
check_eq "web egress rate = bytes / seconds" "$WANT" "$RATE"
awk -v s="$SECS" 'BEGIN { exit !(s >= 2.9 && s < 4) }' && pass || fail "interval of $SECS s for --interval 3"
[ "$((E1 - E0))" -gt 600000 ] && pass || fail "web egress counted $((E1 - E0)) bytes for 600000 sent"
echo "once: web egress $((E1 - E0)) B over $SECS s = $RATE B/s"

# 2. --once's line: the same figure as a rate, keyed by counter name.
E0=$(counter egress_web)
"${SRV[@]}" "$COSTS" -v top --once --interval 2 >"$T/once.line" 2>"$T/line.err" &
TOP=$!
wait_for "first reading" "$T/line.err"
traffic 2 150000
RC=0; wait "$TOP" || RC=$?
check_rc 0 "top --once"
E1=$(counter egress_web)
check_eq "--once prints one line" 1 "$(wc -l <"$T/once.line")"
check_grep "^interval=[0-9.]* table=ok .*egress_web=[0-9]* ingress_web=[0-9]* " "$T/once.line" "--once line"
check_grep " total_egress=[0-9]* total_ingress=[0-9]* iface_egress_$IF=[0-9]* iface_ingress_$IF=[0-9]*$" "$T/once.line" "--once totals"
I=$(sed -n 's/^interval=\([0-9.]*\) .*/\1/p' "$T/once.line")
R=$(sed -n 's/.* egress_web=\([0-9]*\).*/\1/p' "$T/once.line")
# The interval is printed to the millisecond, the rate computed to the microsecond.
awk -v b="$((E1 - E0))" -v i="$I" -v r="$R" 'BEGIN { w = b / i; d = r - w; if (d < 0) d = -d; exit !(d <= w * 0.0006 + 1) }' &&
	pass || fail "--once egress_web=$R for $((E1 - E0)) bytes over $I s"
echo "once line: $(cat "$T/once.line")"

# 3. A live top (CSV, every second) while the table is re-applied, deleted
# and restored from a saved ruleset.  Traffic only ever runs well inside
# an interval that sees no table change.
E0=$(counter egress_web)
"${SRV[@]}" "$COSTS" -v top --interval 1 --format csv >"$T/live.csv" 2>"$T/live.err" &
TOP=$!
PIDS="$PIDS $TOP"
wait_for "first reading" "$T/live.err"
traffic 2 100000
sleep 2.5
E1=$(counter egress_web)
srv "$COSTS" nft apply >"$T/out" 2>"$T/err" || fail "reload: $(cat "$T/err")"
# apply replaces the rules and keeps the named counters (their values go
# on); were they made again, they would start from zero and top says reset.
E1B=$(counter egress_web)
sleep 2.5
traffic 2 120000
sleep 2.5
E2=$(counter egress_web)
srv nft list table inet costs >"$T/saved.nft"
srv nft delete table inet costs || fail "nft delete table"
sleep 2.5
srv nft -f "$T/saved.nft" || fail "nft -f"
sleep 2.5
traffic 1 90000
sleep 2.5
E3=$(counter egress_web)
kill -TERM "$TOP"
RC=0; wait "$TOP" || RC=$?
check_rc 0 "live top stopped by SIGTERM"
live() { # NAME DIR: the rows of a series
	awk -F, -v n="$1" -v d="$2" '$2 == "nft" && $3 == n && $4 == d' "$T/live.csv"
}
SUM=$(live web egress | awk -F, '{ s += $5 } END { print s + 0 }')
check_eq "live web egress bytes add up to the counter's (reload and restore included)" \
	"$((E1 - E0 + E2 - E1B + E3 - E2))" "$SUM"
if [ "$E1B" -lt "$E1" ]; then
	live web egress | grep -q ',reset$' && pass || fail "no interval marked reset after the reload"
else
	live web egress | grep -q ',reset$' && fail "an interval marked reset though apply kept the counters" || pass
fi
live web egress | grep -q ',,[0-9.]*,,restored$' && pass || fail "no interval marked restored (unknown)"
BAD=$(awk -F, 'NR > 1 && ($5 !~ /^[0-9]*$/ || $8 !~ /^[0-9]*$/ || $5 > 1000000)' "$T/live.csv")
[ -z "$BAD" ] && pass || fail "negative or huge rows: $BAD"
echo "live: counters saw $((E1 - E0)) + $((E2 - E1B)) + $((E3 - E2)) B (apply left $E1B of $E1, restored at $E2), top reported $SUM B"

# 4. On a terminal: the cursor is hidden while top redraws and shown again
# when SIGINT or SIGTERM stops it.
for sig in INT TERM; do
	RC=0
	srv script -qefc "timeout --preserve-status -s $sig 2.5 $COSTS top" "$T/tty.$sig" >/dev/null 2>&1 || RC=$?
	check_eq "top on a terminal stopped by SIG$sig" 0 "$RC"
	check_grep $'\e\\[?25l' "$T/tty.$sig" "cursor hidden on a terminal"
	check_grep $'\e\\[H' "$T/tty.$sig" "redrawn in place"
	check_grep "^web " "$T/tty.$sig" "web row on the terminal"
	LAST=$(grep -ao $'\e\\[?25[lh]' "$T/tty.$sig" | tail -1 | cut -c2-)
	check_eq "SIG$sig shows the cursor again" "[?25h" "$LAST"
done

finish
