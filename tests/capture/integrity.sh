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

# --- A file is stored once -------------------------------------------------
export COSTS_CONFIG="$D/services.conf"
rm -f "$COSTS_DB"*
run_costs capture -r "$D/web.pcap"
check_rc 0 "first capture of a file"
"$COSTS" export daily >"$T/once.csv"
once=$(sum_bytes)
run_costs capture -r "$D/web.pcap"
check_rc 1 "second capture of the same file is refused"
check_grep "'$D/web.pcap' was already captured on .* (capture 1): nothing stored; give --again" \
	"$T/err" "refusal names the file and --again"
check_grep "costs forget $D/web.pcap" "$T/err" "refusal names costs forget"
check_eq "refused capture stores nothing" "$(cat "$T/once.csv")" "$("$COSTS" export daily)"
# The identity is the content: a copy under another name is the same file.
cp "$D/web.pcap" "$T/copy.pcap"
run_costs capture -r "$T/copy.pcap"
check_rc 1 "a copy of a captured file is refused"
run_costs capture -r "$T/copy.pcap" --again
check_rc 0 "--again counts a file a second time"
check_eq "--again doubles" "$((2 * once))" "$(sum_bytes)"
run_costs forget --list
check_rc 0 "forget --list"
check_eq "forget --list shows both captures" 2 "$(grep -c "web.pcap\|copy.pcap" "$T/out")"
# Another file and an import share the days; forget must leave them alone.
run_costs capture -r "$D/web-any.pcapng"
check_rc 0 "capture another file"
printf 'day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets\n2026-11-27,other-host,https,import,5,6,1,1\n' >"$T/imp.csv"
run_costs import "$T/imp.csv"
check_rc 0 "import beside captures"
"$COSTS" export daily >"$T/three.csv"
sqlite3 "$COSTS_DB" "SELECT * FROM coverage ORDER BY 1, 2, 3" >"$T/cov3.txt"
run_costs forget "$D/web.pcap"
check_rc 0 "forget a file"
check_grep "forgot capture 2 of '$T/copy.pcap'" "$T/out" "forget undoes the latest capture of the file"
run_costs capture -r "$D/web.pcap" --again
check_rc 0 "capture again after forget"
check_eq "forget then capture again restores the totals" "$(cat "$T/three.csv")" "$("$COSTS" export daily)"
check_eq "... and the coverage" "$(cat "$T/cov3.txt")" "$(sqlite3 "$COSTS_DB" "SELECT * FROM coverage ORDER BY 1, 2, 3")"
run_costs forget "$D/web.pcap"
run_costs forget "$D/web.pcap"
check_rc 0 "forget the first capture too"
run_costs forget "$D/web.pcap"
check_rc 1 "forget a file with no capture left"
check_grep "no capture of '$D/web.pcap' is recorded" "$T/err" "forget names the file"
# What is left is the other file and the import, exactly.
rm -f "$T/alone.db"*
COSTS_DB="$T/alone.db" "$COSTS" -q capture -r "$D/web-any.pcapng"
COSTS_DB="$T/alone.db" "$COSTS" -q import "$T/imp.csv"
check_eq "forget subtracts exactly what a capture added" \
	"$(COSTS_DB="$T/alone.db" "$COSTS" export daily)" "$("$COSTS" export daily)"
check_eq "forget leaves no coverage behind" \
	"$(sqlite3 "$T/alone.db" "SELECT * FROM coverage ORDER BY 1, 2, 3")" \
	"$(sqlite3 "$COSTS_DB" "SELECT * FROM coverage ORDER BY 1, 2, 3")"
run_costs forget --id 99
check_rc 1 "forget an unknown id"
run_costs forget
check_rc 2 "forget without a file"
run_costs forget --help
check_rc 0 "forget --help"
check_grep "subtracts" "$T/out" "forget --help explains"
export COSTS_CONFIG=/dev/null

# --- A file is stored all or nothing ---------------------------------------
# A record no reader accepts after 9 good packets: exit 1, nothing stored.
python3 "$CRAFT" bad-record "$T/bad.pcap" 9
rm -f "$COSTS_DB"*
run_costs capture -r "$T/bad.pcap"
check_rc 1 "corrupt record after 9 packets"
check_grep "(nothing stored)" "$T/err" "the failure says nothing was stored"
check_eq "no totals from a failed file" 0 "$(sum_bytes)"
check_eq "no record of a failed file" 0 "$(sqlite3 "$COSTS_DB" "SELECT count(*) FROM captures")"

# SIGKILL half-way through a file: nothing stored, and a rerun stores the
# true total once.  The capture is stopped half-way (SIGSTOP) for longer
# than --flush, then let run an instant, then killed.
python3 "$CRAFT" many "$T/many.pcap" 3000000 3
true_total=$((3000000 * 1500))
rm -f "$COSTS_DB"*
"$COSTS" -q capture -r "$T/many.pcap" --flush 1 &
pid=$!
sleep 0.3
kill -STOP $pid 2>/dev/null
mid=no
for fd in /proc/$pid/fd/*; do
	[ "$(readlink "$fd")" = "$T/many.pcap" ] || continue
	pos=$(awk '/^pos:/ { print $2 }' "/proc/$pid/fdinfo/${fd##*/}")
	[ "$pos" -gt 0 ] && [ "$pos" -lt "$(stat -c %s "$T/many.pcap")" ] && mid=yes
done
sleep 1.5
kill -CONT $pid 2>/dev/null
sleep 0.1
kill -KILL $pid 2>/dev/null
krc=0
wait $pid 2>/dev/null || krc=$?
# On a loaded machine the capture may finish in the instant it runs before
# the kill: only a capture that the kill ended (status 137) must have stored
# nothing; one that finished is checked below.
if [ "$mid" = yes ] && [ "$krc" = 137 ]; then
	check_eq "a file killed half-way stored nothing" 0 "$(sum_bytes)"
else
	echo "note: the capture was not killed half-way (caught half-way: $mid, status $krc); kill check not made"
fi
if [ "$(sum_bytes)" = 0 ]; then
	run_costs capture -r "$T/many.pcap"
	check_rc 0 "rerun after the kill"
	check_eq "rerun after a kill stores the true total" "$true_total" "$(sum_bytes)"
else
	# Read faster than the kill: the file was stored whole, once.
	check_eq "a capture that finished before the kill stored the true total" "$true_total" "$(sum_bytes)"
fi

# A full disk at the end: the database on a small tmpfs (in a private mount
# namespace) with 48 KiB left, less than the final transaction needs.  Exit
# 1, nothing stored, and the rerun with room stores the true total once.
mkdir -p "$T/small"
cat >"$T/full.sh" <<'EOS'
mount -t tmpfs -o size=1m tmpfs "$T/small" || exit 77
export COSTS_DB="$T/small/costs.db"
"$COSTS" -q capture -r "$T/snap.pcap" || exit 1
dd if=/dev/zero of="$T/small/pad" bs=1k count=48 2>/dev/null
dd if=/dev/zero of="$T/small/fill" bs=4k 2>/dev/null
rm "$T/small/pad"
rc=0
"$COSTS" capture -r "$T/many.pcap" 2>"$T/full.err" || rc=$?
echo "$rc $("$COSTS" export daily | awk -F, 'NR > 1 { s += $5 + $6 } END { printf "%.0f", s }')"
rm "$T/small/fill"
rc=0
"$COSTS" -q capture -r "$T/many.pcap" || rc=$?
echo "$rc $("$COSTS" export daily | awk -F, 'NR > 1 { s += $5 + $6 } END { printf "%.0f", s }')"
EOS
RC=77
# A chroot whose / is not a mount point cannot make a private mount
# namespace (unshare: cannot change root filesystem propagation).
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
	RC=0
	T="$T" COSTS="$COSTS" unshare -m bash "$T/full.sh" >"$T/full.out" 2>&1 || RC=$?
fi
if [ "$RC" = 77 ]; then
	echo "SKIP part: cannot mount a tmpfs in a private mount namespace here; full disk check not made"
else
	check_rc 0 "full disk script"
	check_eq "full disk: exit 1, only what was there" "1 15000" "$(sed -n 1p "$T/full.out")"
	check_grep "database or disk is full (nothing stored)" "$T/full.err" "the write failure says nothing was stored"
	check_eq "rerun after a full disk stores the true total once" "0 $((15000 + true_total))" "$(sed -n 2p "$T/full.out")"
fi
rm -f "$T/many.pcap"

# --- Standard input: flushed on SIGTERM/SIGINT ------------------------------
# The pipe stays open after the capture's last record, so the signal
# arrives while the reader waits in read(2).
rm -f "$COSTS_DB"*
"$COSTS" -q capture -r "$D/web.pcap"
"$COSTS" export daily >"$T/web.csv"
for sig in TERM INT; do
	rm -f "$COSTS_DB"* "$T/fifo"
	mkfifo "$T/fifo"
	"$COSTS" capture -r - <"$T/fifo" >"$T/out" 2>"$T/err" &
	pid=$!
	rm -f "$T/fed"
	(cat "$D/web.pcap"; touch "$T/fed"; exec sleep 20) >"$T/fifo" &
	feeder=$!
	# Signal once the whole file is in the pipe (and a second to read it),
	# however slow the machine.
	for _ in $(seq 300); do [ -e "$T/fed" ] && break; sleep 0.1; done
	sleep 1
	kill -$sig $pid
	RC=0
	wait $pid || RC=$?
	kill $feeder 2>/dev/null
	wait $feeder 2>/dev/null
	check_rc 0 "SIG$sig during capture -r - from a pipe"
	check_eq "no error on SIG$sig" "" "$(cat "$T/err")"
	check_grep "162 packets" "$T/out" "summary after SIG$sig"
	check_eq "SIG$sig flushes what was read" "$(cat "$T/web.csv")" "$("$COSTS" export daily)"
	check_eq "standard input is not recorded as a file" 0 \
		"$(sqlite3 "$COSTS_DB" "SELECT count(*) FROM captures")"
done

finish
