#!/usr/bin/env bash
# The life of the counters against the real kernel, with a capture running
# throughout: a second sample with no traffic adds nothing; a reload
# (`costs nft apply` again) loses nothing; a table deleted and created again
# outside costs is counted from zero; two samples at once neither lose nor
# double-count; a sample killed between reading and committing leaves the
# store as it was and the next sample counts its bytes.  At the end the
# stored totals of the port service equal the capture byte for byte.  Then
# a simulated reboot (another boot id, the table applied anew) counts the
# new counters from zero, and a
# long interval is recorded as a gap.
. "$SRCDIR/tests/lib.sh"
NETNS_IPV6=0
. "$SRCDIR/tests/nft/netns.sh"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"

cat >"$T/costs.conf" <<CONF
[service web]
match = port=tcp/7000
CONF
export COSTS_CONFIG="$T/costs.conf"
echo boot-A >"$T/boot_id"
B=(--boot-id-file "$T/boot_id")


start_bg web ready "${SRV[@]}" /usr/bin/python3 "$PEERS" bulk 192.0.2.1 7000 || exit 1
start_bg tcpdump "listening on" "${SRV[@]}" tcpdump -n --immediate-mode -i "$IF" -s 128 -U -w "$T/cap.pcap" || exit 1
TCPDUMP_PID=$LAST_PID

costsn nft apply "${B[@]}"
check_rc 0 "apply"
traffic 3 200000
costsn sample "${B[@]}"
check_rc 0 "first sample"
E1=$(stored 5)
[ "$E1" -gt 600000 ] && pass || fail "first sample stored $E1 egress bytes"

# A second sample with no traffic adds nothing.
srv "$COSTS" report --source nft --format csv >"$T/before"
costsn -v sample "${B[@]}"
check_rc 0 "second sample"
srv "$COSTS" report --source nft --format csv >"$T/after"
if cmp -s "$T/before" "$T/after"; then pass; else fail "a sample without traffic changed totals: $(diff "$T/before" "$T/after")"; fi
check_eq "second sample web delta" "0" "$(awk '$1 == "nft" && $2 == "web" && $3 == "egress" { print $4 }' "$T/out")"

# A reload between samples loses nothing.
traffic 2 150000
costsn nft apply "${B[@]}"
check_rc 0 "reload"
traffic 1 100000
costsn sample "${B[@]}"
check_rc 0 "sample after reload"

# A table deleted and created again outside costs: the smaller value under a
# new handle is counted from zero.
srv "$COSTS" nft show >"$T/ruleset.nft" 2>/dev/null
srv nft delete table inet costs || fail "nft delete table"
srv nft -f "$T/ruleset.nft" || fail "nft -f"
traffic 1 50000
costsn -v sample "${B[@]}"
check_rc 0 "sample after recreate"
check_grep "web.*egress.*reset" "$T/out" "recreated table taken from zero"

# Two samples at once: A holds the write lock after reading; B waits for it,
# then reads the counters after A committed and counts only what came since.
traffic 2 100000
"${SRV[@]}" "$COSTS" sample "${B[@]}" --pause-before-commit 2 >"$T/a.out" 2>"$T/a.err" &
APID=$!
for i in $(seq 50); do grep -q pausing "$T/a.err" && break; sleep 0.1; done
check_grep pausing "$T/a.err" "sample A paused"
traffic 1 70000
"${SRV[@]}" "$COSTS" sample "${B[@]}" >"$T/b.out" 2>"$T/b.err" &
BPID=$!
ARC=0; wait "$APID" || ARC=$?
BRC=0; wait "$BPID" || BRC=$?
check_eq "concurrent sample A" 0 "$ARC"
check_eq "concurrent sample B" 0 "$BRC"

# A sample killed between reading and committing changes nothing.
traffic 2 80000
srv "$COSTS" report --source nft --format csv >"$T/before"
"${SRV[@]}" "$COSTS" sample "${B[@]}" --pause-before-commit 60 >"$T/k.out" 2>"$T/k.err" &
KPID=$!
for i in $(seq 50); do grep -q pausing "$T/k.err" && break; sleep 0.1; done
check_grep pausing "$T/k.err" "sample to kill paused"
kill -KILL "$KPID"
wait "$KPID" 2>/dev/null
srv "$COSTS" report --source nft --format csv >"$T/after"
if cmp -s "$T/before" "$T/after"; then pass; else fail "a killed sample changed totals"; fi
costsn sample "${B[@]}"
check_rc 0 "sample after the killed one"

sleep 0.5
kill -INT "$TCPDUMP_PID"
wait "$TCPDUMP_PID" 2>/dev/null
/usr/bin/python3 "$SRCDIR/tests/nft/pcapsum.py" "$T/cap.pcap" "$SMAC" >"$T/pkts" || fail "capture"
cap() { # DIR bytes|packets [all]
	awk -v d="$1" -v w="$2" -v all="${3:-}" '$1 == d && (all || ($3 == 6 && $4 == 7000)) {
		b += $5; p++ } END { print (w == "bytes" ? b : p) + 0 }' "$T/pkts"
}
check_eq "web egress bytes: stored vs captured" "$(cap egress bytes)" "$(stored 5)"
check_eq "web ingress bytes: stored vs captured" "$(cap ingress bytes)" "$(stored 6)"
check_eq "web egress packets: stored vs captured" "$(cap egress packets)" "$(stored 7)"
check_eq "web ingress packets: stored vs captured" "$(cap ingress packets)" "$(stored 8)"
echo "web egress: captured $(cap egress bytes) bytes, stored $(stored 5)"
all_nft=$(srv "$COSTS" report --source nft --format csv | awk -F, 'NR > 1 { s += $5 } END { print s + 0 }')
check_eq "all services egress: stored vs captured" "$(cap egress bytes all)" "$all_nft"
# Interface counters: layer 2, so the capture's layer-3 bytes plus 14 per frame.
if_tx=$(srv "$COSTS" report --source iface --service "$IF" --format csv | awk -F, 'NR > 1 { s += $5 } END { print s + 0 }')
check_eq "iface egress bytes vs capture" "$(($(cap egress bytes all) + 14 * $(cap egress packets all)))" "$if_tx"
srv "$COSTS" report --source iface --format csv >"$T/iface"
if grep -q ',lo,' "$T/iface"; then fail "loopback stored"; else pass; fi

# A simulated reboot: another boot id, and the table gone (the kernel
# forgets it) until `costs nft apply` at boot loads a new one, which counts
# from zero.  (A saved ruleset restored at boot is tests/nft/restore.sh.)
before=$(stored 5)
echo boot-B >"$T/boot_id"
srv nft delete table inet costs || fail "nft delete table"
costsn nft apply "${B[@]}"
check_rc 0 "apply at boot"
traffic 1 30000
counter=$(srv nft -j list counter inet costs egress_web | /usr/bin/python3 -c \
	'import json,sys; print([o["counter"]["bytes"] for o in json.load(sys.stdin)["nftables"] if "counter" in o][0])')
costsn -v sample "${B[@]}"
check_rc 0 "sample after reboot"
check_grep "web.*egress.*reboot" "$T/out" "reboot noted"
check_eq "after reboot the whole counter is added" "$((before + counter))" "$(stored 5)"
resets=$(sqlite3 "$COSTS_DB" "SELECT sum(resets) FROM coverage WHERE source = 'nft'")
[ "${resets:-0}" -ge 2 ] && pass || fail "resets in coverage: '$resets'"

# A gap longer than sample_gap is reported and recorded.
printf '[costs]\nsample_gap = 1\n[service web]\nmatch = port=tcp/7000\n' >"$T/gap.conf"
sleep 2.2
RC=0
COSTS_CONFIG="$T/gap.conf" srv "$COSTS" sample "${B[@]}" >"$T/out" 2>"$T/err" || RC=$?
check_rc 0 "sample after a gap"
check_grep "longer than sample_gap" "$T/err" "gap reported"
gaps=$(sqlite3 "$COSTS_DB" "SELECT sum(gaps) FROM coverage WHERE source = 'nft'")
check_eq "gap recorded" 1 "${gaps:-0}"
finish
