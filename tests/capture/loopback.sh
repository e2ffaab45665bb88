#!/usr/bin/env bash
# capture -i any leaves loopback out by default (as the nftables path
# does) and counts it with --loopback: in a namespace, UDP datagrams to
# 127.0.0.1 and over a veth are sent while `costs capture -i any` listens.
. "$SRCDIR/tests/lib.sh"
NETNS_IPV6=0
. "$SRCDIR/tests/nft/netns.sh"

# capture_any DB [--loopback]: 20 datagrams on lo and 10 to the client during a capture
# (each may draw an ICMP port unreachable).
capture_any() {
	local db=$1
	shift
	srv "$COSTS" --db "$db" capture -i any --seconds 5 --flush 1 "$@" >"$T/out" 2>"$T/err" &
	local pid=$!
	sleep 1.5
	srv /usr/bin/python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for dst, n in (("127.0.0.1", 20), ("192.0.2.2", 10)):
    for i in range(n):
        s.sendto(b"x" * 500, (dst, 9))
        time.sleep(0.02)
'

	wait $pid || fail "capture -i any $*: $(cat "$T/err")"
}
packets() {
	sqlite3 "$1" "SELECT coalesce(sum(packets), 0) FROM daily"
}

capture_any "$T/default.db"
n=$(packets "$T/default.db")
[ "$n" -ge 10 ] && [ "$n" -le 20 ] && pass ||
	fail "without --loopback: $n packets, expected the 10 datagrams to the client (and ICMP)"
capture_any "$T/lo.db" --loopback
n=$(packets "$T/lo.db")
[ "$n" -ge 40 ] && pass || fail "with --loopback: $n packets, expected the 20 on lo too"

run_costs capture -i "$IF" --loopback --seconds 1
check_rc 2 "--loopback without -i any"
check_grep "applies to -i any only" "$T/err" "--loopback without -i any message"
[ "$FAILS" = 0 ] || exit 1
echo "loopback: $CHECKS checks passed"
