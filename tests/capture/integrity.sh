#!/usr/bin/env bash
# Capture integrity: crafted or damaged records cannot inflate totals, a file
# is stored all or nothing and once (unless --again), `costs forget` undoes
# one capture of a file, and standard input is flushed on a signal.
. "$SRCDIR/tests/lib.sh"
D="$SRCDIR/tests/data/capture"
CRAFT="$SRCDIR/tests/capture/craft.py"

# sum_bytes: all layer-3 bytes stored
sum_bytes() {
	"$COSTS" export daily | awk -F, 'NR > 1 { s += $5 + $6 } END { printf "%.0f\n", s }'
}
malformed() {
	sqlite3 "$COSTS_DB" "SELECT coalesce(sum(malformed), 0) FROM coverage WHERE source = 'pcap'"
}
command -v sqlite3 >/dev/null || skip "sqlite3 not installed"

# --- Crafted or corrupt records ---------------------------------------------
# One 15-byte frame whose record claims 0xFFFFFFFF bytes on the wire.
python3 "$CRAFT" huge-orig "$T/huge.pcap"
rm -f "$COSTS_DB"*
run_costs capture -r "$T/huge.pcap"
check_rc 0 "record with an impossible original length"
check_eq "impossible original length counts the captured bytes only" 15 "$(sum_bytes)"
check_eq "impossible original length is malformed" 1 "$(malformed)"
check_grep "1 malformed" "$T/out" "summary counts the malformed record"

# Ten whole 54-byte frames whose IPv4 length claims 65535 (tcpdump:
# "truncated-ip - 65495 bytes missing"): malformed, 40 bytes each, not https.
python3 "$CRAFT" ip-too-long "$T/iplen.pcap"
rm -f "$COSTS_DB"*
run_costs capture -r "$T/iplen.pcap"
check_rc 0 "IP length beyond the frame"
check_eq "IP length beyond the frame counts the frame" 400 "$(sum_bytes)"
check_eq "IP length beyond the frame is malformed" 10 "$(malformed)"
check_eq "no https from malformed frames" "" "$("$COSTS" export daily | grep ',https,')"

# The same frames cut by a 54-byte snaplen out of 1514 on the wire: the IP
# length (1500) is trusted up to the wire length, and is tshark's figure.
python3 "$CRAFT" snap-cut "$T/snap.pcap"
rm -f "$COSTS_DB"*
run_costs capture -r "$T/snap.pcap"
check_rc 0 "snaplen cut"
check_eq "snaplen cut counts the IP length" 15000 "$(sum_bytes)"
check_eq "snaplen cut is not malformed" 0 "$(malformed)"
if command -v tshark >/dev/null; then
	check_eq "snaplen cut agrees with tshark" \
		"$(tshark -r "$T/snap.pcap" -T fields -e ip.len 2>/dev/null | awk '{ s += $1 } END { print s }')" \
		"$(sum_bytes)"
fi

# A real 3 kB capture with a zeroed region: its garbage records stored up
# to 1.8 GB before.  Every record here was captured whole, so the bytes
# stored cannot exceed the file's size.
head -c 3000 "$D/web.pcap" >"$T/zeroed.pcap"
dd if=/dev/zero of="$T/zeroed.pcap" bs=1 seek=453 count=400 conv=notrunc 2>/dev/null
rm -f "$COSTS_DB"*
run_costs capture -r "$T/zeroed.pcap"
check_rc 0 "capture with a zeroed region"
got=$(sum_bytes)
if [ "$got" -le 3000 ]; then pass; else fail "zeroed region stored $got bytes out of a 3000-byte file"; fi

finish
