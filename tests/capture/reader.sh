#!/usr/bin/env bash
# The file readers: a classic pcap file, read straight from our buffer,
# gives the same totals as the same packets converted to pcapng (which
# libpcap reads), from a file or standard input, across buffer refills,
# with nanosecond timestamps, in the other byte order, with a filter, and
# with more flows than the table keeps in cache (the prefetching path);
# records longer than the snapshot length count as the same records
# written whole; a file cut short names the offset of the cut record; no
# format costs a system call per packet (pcapng cost an lseek per packet).
. "$SRCDIR/tests/lib.sh"
command -v /usr/bin/python3 >/dev/null || skip "needs python3"

/usr/bin/python3 - "$T" <<'EOF'
import struct, sys
d = sys.argv[1]
def frame(i, n, many=False):
    src, dst = bytes([198, 51, 100, i % 200 + 1]), bytes([192, 0, 2, 1])
    if many:
        src = bytes([10, i >> 16 & 255, i >> 8 & 255, i & 255])
    sport, dport = 40000 + i % 3000, (443, 80, 8080)[i % 3]
    if i % 2:
        src, dst, sport, dport = dst, src, dport, sport
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + n, 0, 0x4000, 64, 6, 0, src, dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, i, 0, 0x50, 0x10, 65535, 0, 0)
    return b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + tcp + bytes([i % 251]) * n
def write(name, frames, snaplen=65535, magic=0xA1B2C3D4, endian="<", cut=0):
    out = [struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen, 1)]
    offs = []
    pos = 24
    for i, fr in enumerate(frames):
        cap = len(fr) if name != "snap" or i % 7 else min(len(fr), 1000)
        frac = (i * 1000) if magic == 0xA1B23C4D else i % 1000000
        rec = struct.pack(endian + "IIII", 1780000000 + i // 1000, frac, cap, len(fr)) + fr[:cap]
        offs.append(pos)
        pos += len(rec)
        out.append(rec)
    data = b"".join(out)
    if cut:
        data = data[:offs[cut] + 20]
        open(f"{d}/{name}.off", "w").write(str(offs[cut]))
    open(f"{d}/{name}.pcap", "wb").write(data)
sizes = [0, 60, 1448, 500, 1200, 7, 1460]
frames = [frame(i, sizes[i % len(sizes)]) for i in range(20000)]
write("big", frames)                   # 13 MiB: several mapping windows
write("snap", frames[:3000], snaplen=200)  # every 7th record longer than the snaplen
write("snapref", frames[:3000])
write("nano", frames[:3000], magic=0xA1B23C4D)
write("be", frames[:3000], endian=">")
write("cut", frames, cut=15000)
write("many", [frame(i, 0, True) for i in range(42000)] * 2)  # 42000 flows
EOF

command -v editcap >/dev/null || skip "needs editcap (wireshark-common) for the pcapng references"

# result FILE OUT [ARGS...]: summary, status and export of one capture
result() {
	local f=$1 out=$2
	shift 2
	rm -f "$COSTS_DB"*
	if [ "$f" = - ]; then
		"$COSTS" capture -r - "$@" >"$out" 2>&1
	else
		"$COSTS" capture -r "$f" "$@" >"$out" 2>&1
	fi
	echo "exit $?" >>"$out"
	"$COSTS" export daily >>"$out" 2>&1
}

# same NAME A B [ARGS...]: captures A and B (or A on standard input, B = -) agree
same() {
	local name=$1 a=$2 b=$3
	shift 3
	result "$a" "$T/a.out" "$@"
	if [ "$b" = - ]; then
		rm -f "$COSTS_DB"*
		"$COSTS" capture -r - "$@" <"$a" >"$T/b.out" 2>&1
		echo "exit $?" >>"$T/b.out"
		"$COSTS" export daily >>"$T/b.out" 2>&1
	else
		result "$b" "$T/b.out" "$@"
	fi
	if cmp -s "$T/a.out" "$T/b.out"; then
		pass
	else
		fail "$name: $a and $b differ:"
		diff "$T/a.out" "$T/b.out" | head -10 >&2
	fi
}

for f in big nano be many; do
	editcap -F pcapng "$T/$f.pcap" "$T/$f.pcapng"
	same "$f.pcap against pcapng" "$T/$f.pcap" "$T/$f.pcapng"
	same "$f.pcap on standard input" "$T/$f.pcap" -
done
check_grep "^84000 packets" "$T/a.out" "every packet of many.pcap"
same "filter" "$T/big.pcap" "$T/big.pcapng" --filter "tcp port 443"
check_grep "^6667 packets" "$T/a.out" "the filter's packets"
same "records longer than the snaplen" "$T/snap.pcap" "$T/snapref.pcap"
check_grep "^3000 packets" "$T/a.out" "every packet of snap.pcap"
result "$T/cut.pcap" "$T/a.out"
check_grep "the record at byte offset $(cat "$T/cut.off") is incomplete" "$T/a.out" "offset of the cut record"
check_grep "^15000 packets" "$T/a.out" "the packets before the cut"
# System calls: a few per MiB, none per packet (20000 packets).
if command -v strace >/dev/null; then
	for f in big.pcap big.pcapng; do
		[ -f "$T/$f" ] || continue
		rm -f "$COSTS_DB"*
		strace -f -c -o "$T/strace.out" -e trace=read,lseek,pread64,mmap,munmap \
			"$COSTS" -q capture -r "$T/$f" >/dev/null 2>&1
		calls=$(awk '$NF == "total" { print $4 }' "$T/strace.out")
		if [ "${calls:-0}" -lt 2000 ]; then pass; else
			fail "$f: $calls read/lseek/mmap calls for 20000 packets"
			cat "$T/strace.out" >&2
		fi
	done
else
	echo "no strace: system calls not counted"
fi
finish
