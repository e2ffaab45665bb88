#!/usr/bin/env bash
# An interface deleted and created again with the same name and index, that
# then sends less than before: on a 64-bit kernel its counters are 64-bit,
# so the decrease is a new counter counted from zero, not a 32-bit wrap.
# The truth is the kernel's own tx_bytes of each incarnation.
. "$SRCDIR/tests/lib.sh"
NETNS_IPV6=0
. "$SRCDIR/tests/nft/netns.sh"
case "$(uname -m)" in *64 | s390x | alpha) ;; *) skip "a 32-bit kernel: its interface counters wrap at 2^32" ;; esac

RIF=cr$$
IDX=$((4000 + $$ % 1000))
export COSTS_CONFIG=/dev/null
echo boot-A >"$T/boot_id"
B=(--boot-id-file "$T/boot_id")

# mkif: the veth pair, $RIF (index $IDX) in the server namespace, its peer
# in the client's, 198.51.100.1 and .2, static neighbours.
mkif() {
	ip -n "$NS" link add "$RIF" index "$IDX" type veth peer name "${RIF}p" netns "$CL" ||
		skip "cannot create a veth with a given index"
	ip -n "$NS" addr add 198.51.100.1/24 dev "$RIF"
	ip -n "$CL" addr add 198.51.100.2/24 dev "${RIF}p"
	ip -n "$NS" link set "$RIF" up
	ip -n "$CL" link set "${RIF}p" up
	ip -n "$NS" neigh replace 198.51.100.2 lladdr "$(ip netns exec "$CL" cat "/sys/class/net/${RIF}p/address")" dev "$RIF" nud permanent
}
send() { # N SIZE: N UDP datagrams of SIZE bytes out of $RIF
	srv /usr/bin/python3 -c 'import socket,sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])): s.sendto(b"x" * int(sys.argv[2]), ("198.51.100.2", 9))' "$1" "$2" ||
		fail "send"
}
txb() { srv cat "/sys/class/net/$RIF/statistics/tx_bytes"; }
stored() {
	srv "$COSTS" report --source iface --service "$RIF" --format csv |
		awk -F, 'NR > 1 { s += $5 } END { printf "%.0f\n", s }'
}
sample() {
	RC=0
	srv "$COSTS" sample "${B[@]}" >"$T/out" 2>"$T/err" || RC=$?
	check_rc 0 "sample"
}

# costs sample needs the table; the interface counters come with it.
srv "$COSTS" nft apply "${B[@]}" >/dev/null 2>&1 || fail "nft apply"
mkif
sample # the interface's baseline
base=$(txb)
send 1500 1300
sample
first=$(($(txb) - base))
ip -n "$NS" link del "$RIF"
mkif
[ "$(srv cat "/sys/class/net/$RIF/ifindex")" = "$IDX" ] || fail "the index was not kept"
send 200 1000
second=$(txb)
[ "$second" -lt $((first + base)) ] || fail "the new interface sent more than the old one"
sample
echo "interface $RIF (index $IDX): true $((first + second)) B ($first, then $second after it was created again), stored $(stored) B"
check_eq "stored vs the kernel's tx_bytes" "$((first + second))" "$(stored)"
finish
