#!/usr/bin/env bash
# A saved ruleset restored, and counters reset, against the real kernel,
# with a capture as the truth.  `nft list ruleset` saves the counters'
# values with the table; restoring it (nft -f) recreates the table with a
# new handle and the old values, on the same boot or after a reboot, and
# must never count those values again.  `nft reset counters` zeroes the
# counters on the same handle: a sample after they climbed past the last
# stored value must still count everything since the reset.
. "$SRCDIR/tests/lib.sh"
NETNS_IPV6=0
. "$SRCDIR/tests/nft/netns.sh"

printf '[service web]\nmatch = port=tcp/7000\n' >"$T/costs.conf"
export COSTS_CONFIG="$T/costs.conf"
echo boot-A >"$T/boot_id"
B=(--boot-id-file "$T/boot_id")

# check_true WHAT: what was stored since the last check equals what was
# captured since; prints both.
LAST_C=0
LAST_S=0
check_true() {
	local c s
	c=$(captured)
	s=$(stored)
	echo "$1: true $((c - LAST_C)) B, stored $((s - LAST_S)) B"
	check_eq "$1: stored vs captured" "$((c - LAST_C))" "$((s - LAST_S))"
	LAST_C=$c
	LAST_S=$s
}
counter() { # the kernel's egress_web packets and bytes
	srv nft -j list counter inet costs egress_web | /usr/bin/python3 -c \
		'import json,sys; c=[o["counter"] for o in json.load(sys.stdin)["nftables"] if "counter" in o][0]; print(c["packets"], c["bytes"])'
}
# reset_and_climb: nft reset counters, then traffic until egress_web has
# counted more packets and bytes than it held before.
reset_and_climb() {
	local p b np nb i
	read -r p b <<<"$(counter)"
	srv nft reset counters >/dev/null || fail "nft reset counters"
	for i in $(seq 200); do
		traffic 4 30000
		read -r np nb <<<"$(counter)"
		[ "$np" -gt "$p" ] && [ "$nb" -gt "$b" ] && return 0
	done
	fail "the counters did not climb past $p packets, $b bytes"
}
restore() { # FILE: what `nft flush ruleset; nft -f FILE` does to the table
	srv nft flush ruleset || fail "nft flush ruleset"
	srv nft -f "$1" || fail "nft -f $1"
}

start_bg web ready "${SRV[@]}" /usr/bin/python3 "$PEERS" bulk 192.0.2.1 7000 || exit 1
start_bg tcpdump "listening on" "${SRV[@]}" tcpdump -n --immediate-mode -i "$IF" -s 128 -U -w "$T/cap.pcap" || exit 1
TCPDUMP_PID=$LAST_PID

costsn nft apply "${B[@]}"
check_rc 0 "apply"
traffic 2 50000
costsn sample "${B[@]}"
check_rc 0 "first sample"
check_true "before the restore"

# The issue's case: saved (as /etc/nftables.conf is written), flushed,
# restored at once.  The table has a new handle and the saved values.
srv nft list ruleset >"$T/saved.nft"
grep -q "bytes [1-9]" "$T/saved.nft" || fail "the saved ruleset holds no counter values"
restore "$T/saved.nft"
costsn -v sample "${B[@]}"
check_rc 0 "sample after restore"
check_true "restored on the same boot"

# Traffic after the restore counts, once.
traffic 1 30000
costsn sample "${B[@]}"
check_true "traffic after the restore"

# A reboot (new boot id) that restores the saved ruleset: nothing counted
# since, nothing added.
echo boot-B >"$T/boot_id"
restore "$T/saved.nft"
costsn -v sample "${B[@]}"
check_rc 0 "sample after reboot and restore"
check_true "restored after a reboot"
traffic 1 40000
costsn sample "${B[@]}"
check_true "traffic after the reboot and restore"

# A saved ruleset older than the last sample: restored, sampled at once,
# then traffic.
traffic 2 60000
costsn sample "${B[@]}"
restore "$T/saved.nft"
costsn sample "${B[@]}"
traffic 1 25000
costsn sample "${B[@]}"
check_true "an older save restored"
# The same old save once more, and a save taken after it.
srv nft list ruleset >"$T/saved2.nft"
restore "$T/saved.nft"
costsn sample "${B[@]}"
traffic 1 15000
costsn sample "${B[@]}"
restore "$T/saved2.nft"
costsn sample "${B[@]}"
traffic 1 10000
costsn sample "${B[@]}"
check_true "two saves restored in turn"

# nft reset counters on the same handle, then more traffic than the last
# stored value before the next sample.
reset_and_climb
costsn -v sample "${B[@]}"
check_rc 0 "sample after reset"
check_grep "web.*egress.*reset" "$T/out" "the reset is noted"
check_true "counters reset and climbed past the stored value"
# A second reset later is told apart as well.
traffic 1 20000
costsn sample "${B[@]}"
reset_and_climb
costsn sample "${B[@]}"
check_true "a second reset"

# A save taken after a reset, restored: nothing counted twice.
srv nft list ruleset >"$T/saved3.nft"
restore "$T/saved3.nft"
costsn sample "${B[@]}"
traffic 1 5000
costsn sample "${B[@]}"
check_true "a save after a reset restored"

# Two samples at once after a restore (of a save taken just after a
# sample): A renews the generation counter and waits holding the write
# lock; B reads after A committed.
srv nft list ruleset >"$T/saved4.nft"
restore "$T/saved4.nft"
traffic 1 30000
"${SRV[@]}" "$COSTS" sample "${B[@]}" --pause-before-commit 2 >"$T/a.out" 2>"$T/a.err" &
APID=$!
for i in $(seq 50); do grep -q pausing "$T/a.err" && break; sleep 0.1; done
traffic 1 15000
"${SRV[@]}" "$COSTS" sample "${B[@]}" >"$T/b.out" 2>"$T/b.err" &
BPID=$!
ARC=0; wait "$APID" || ARC=$?
BRC=0; wait "$BPID" || BRC=$?
check_eq "concurrent sample A after a restore" 0 "$ARC"
check_eq "concurrent sample B after a restore" 0 "$BRC"
check_true "two samples at once after a restore"

# A sample killed after it renewed the generation counter, before it
# committed: the next sample finds the old identity through the parent.
srv nft list ruleset >"$T/saved5.nft"
restore "$T/saved5.nft"
traffic 1 25000
"${SRV[@]}" "$COSTS" sample "${B[@]}" --pause-before-commit 60 >"$T/k.out" 2>"$T/k.err" &
KPID=$!
for i in $(seq 50); do grep -q pausing "$T/k.err" && break; sleep 0.1; done
check_grep pausing "$T/k.err" "sample to kill paused"
kill -KILL "$KPID"
wait "$KPID" 2>/dev/null
traffic 1 5000
costsn sample "${B[@]}"
check_rc 0 "sample after the killed one"
check_true "a sample killed after renewing the generation"

# A reload (costs nft apply) still loses nothing.
traffic 1 20000
costsn nft apply "${B[@]}"
check_rc 0 "reload"
traffic 1 20000
costsn sample "${B[@]}"
check_true "after a reload"

kill -INT "$TCPDUMP_PID"
wait "$TCPDUMP_PID" 2>/dev/null
finish
