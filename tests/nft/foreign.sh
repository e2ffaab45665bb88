#!/usr/bin/env bash
# Counters in the table inet costs that costs did not make (added by hand,
# one with a name longer than any service's) are left alone: sample, apply
# and remove work and count what costs' own counters counted.
. "$SRCDIR/tests/lib.sh"
NETNS_IPV6=0
. "$SRCDIR/tests/nft/netns.sh"

printf '[service web]\nmatch = port=tcp/7000\n' >"$T/costs.conf"
export COSTS_CONFIG="$T/costs.conf"
LONG=hand_$(printf 'x%.0s' $(seq 200))
# foreign: counters costs did not make, one counting the web traffic too.
foreign() {
	srv nft add counter inet costs "$LONG" || fail "add a counter with a long name"
	srv nft add counter inet costs "egress_$LONG" || fail "add egress_ and a long name"
	srv nft add counter inet costs ssh_seen || fail "add a short counter"
	srv nft insert rule inet costs output tcp sport 7000 counter name "$LONG" ||
		fail "add a rule counting into the long counter"
}

start_bg web ready "${SRV[@]}" /usr/bin/python3 "$PEERS" bulk 192.0.2.1 7000 || exit 1
start_bg tcpdump "listening on" "${SRV[@]}" tcpdump -n --immediate-mode -i "$IF" -s 128 -U -w "$T/cap.pcap" || exit 1

costsn nft apply
check_rc 0 "apply"
foreign
traffic 2 30000
costsn sample
check_rc 0 "sample with counters costs did not make"
costsn sample --dry-run
check_rc 0 "dry run with counters costs did not make"
if grep -q "hand_x\|ssh_seen" "$T/out"; then fail "a foreign counter was sampled: $(cat "$T/out")"; else pass; fi
echo "web egress: true $(captured) B, stored $(stored) B"
check_eq "web egress stored vs captured" "$(captured)" "$(stored)"

traffic 1 20000
costsn nft apply
check_rc 0 "apply over counters costs did not make"
check_eq "web egress stored vs captured after apply" "$(captured)" "$(stored)"

foreign
traffic 1 10000
costsn nft remove
check_rc 0 "remove with counters costs did not make"
srv nft list table inet costs >/dev/null 2>&1 && fail "remove left the table" || pass
check_eq "web egress stored vs captured after remove" "$(captured)" "$(stored)"
finish
