#!/usr/bin/env bash
# `costs nft apply` with the database on a full filesystem (a small tmpfs
# mounted for the test and filled): the sample it takes before replacing
# the table cannot commit, so it must leave the table and its counters in
# place and exit non-zero; once there is room the next sample stores every
# byte.  `costs nft remove` on the full disk still removes the table.
. "$SRCDIR/tests/lib.sh"
NETNS_IPV6=0
. "$SRCDIR/tests/nft/netns.sh"

mkdir "$T/small"
mount -t tmpfs -o size=512k tmpfs "$T/small" 2>/dev/null || skip "cannot mount a tmpfs"
trap 'umount "$T/small" 2>/dev/null; netns_cleanup' EXIT
export COSTS_DB="$T/small/costs.db"
printf '[service web]\nmatch = port=tcp/7000\n' >"$T/costs.conf"
export COSTS_CONFIG="$T/costs.conf"
echo boot-A >"$T/boot_id"
B=(--boot-id-file "$T/boot_id")

handle() { srv nft -a list table inet costs | awk 'NR == 1 { print $NF }'; }
# fill: a sample first, as cron takes them (it leaves the write-ahead log in
# place), then the filesystem filled to the last page.
fill() {
	costsn sample "${B[@]}"
	check_rc 0 "sample before filling the disk"
	dd if=/dev/zero of="$T/small/fill" bs=4k 2>/dev/null
	sync
}

start_bg web ready "${SRV[@]}" /usr/bin/python3 "$PEERS" bulk 192.0.2.1 7000 || exit 1
start_bg tcpdump "listening on" "${SRV[@]}" tcpdump -n --immediate-mode -i "$IF" -s 128 -U -w "$T/cap.pcap" || exit 1

costsn nft apply "${B[@]}"
check_rc 0 "apply"
traffic 2 40000
costsn sample "${B[@]}"
check_rc 0 "sample"
check_eq "stored before the disk filled" "$(captured)" "$(stored)"

c1=$(captured)
fill
h1=$(handle)
traffic 1 20000
costsn nft apply "${B[@]}"
echo "apply on a full disk: exit $RC: $(head -c 300 "$T/err")"
[ "$RC" != 0 ] && pass || fail "apply on a full disk exited 0"
check_eq "the table is left in place" "$h1" "$(handle)"

s1=$(stored)
rm -f "$T/small/fill"
costsn sample "${B[@]}"
check_rc 0 "sample with room again"
c2=$(captured)
s2=$(stored)
echo "the interval of the failed apply: true $((c2 - c1)) B, stored $((s2 - s1)) B"
check_eq "the interval is stored" "$((c2 - c1))" "$((s2 - s1))"

# remove on a full disk: the table goes, the failure to store is reported.
fill
traffic 1 5000
costsn nft remove "${B[@]}"
echo "remove on a full disk: exit $RC: $(head -c 300 "$T/err")"
check_rc 1 "remove on a full disk reports the lost sample"
srv nft list table inet costs >/dev/null 2>&1 && fail "remove on a full disk left the table" || pass
rm -f "$T/small/fill"
finish
