#!/usr/bin/env bash
# The file readers: a classic pcap file read from memory (mmap) gives the
# same totals as the same bytes read by libpcap from standard input, across
# mapping windows, with records longer than the snapshot length, with
# nanosecond timestamps, in the other byte order, with a filter, and cut
# short (the same offset named); no format costs a system call per packet
# (pcapng used to cost an lseek per packet).
. "$SRCDIR/tests/lib.sh"
command -v /usr/bin/python3 >/dev/null || skip "needs python3"

/usr/bin/python3 - "$T" <<'EOF'
import struct, sys
d = sys.argv[1]
def frame(i, n):
    src, dst = bytes([198, 51, 100, i % 200 + 1]), bytes([192, 0, 2, 1])
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
write("nano", frames[:3000], magic=0xA1B23C4D)
write("be", frames[:3000], endian=">")
write("cut", frames, cut=15000)
EOF

# same NAME FILE [ARGS...]: file and standard input give the same results
same() {
	local name=$1 f=$2
	shift 2
	for how in file stdin; do
		rm -f "$COSTS_DB"*
		if [ $how = file ]; then
			"$COSTS" capture -r "$f" "$@" >"$T/$how.out" 2>&1
		else
			"$COSTS" capture -r - "$@" <"$f" >"$T/$how.out" 2>&1
		fi
		echo "exit $?" >>"$T/$how.out"
		"$COSTS" export daily >>"$T/$how.out" 2>&1
	done
	sed -i "s|'-'|'$f'|; s|standard input|$f|" "$T/stdin.out"
	if cmp -s "$T/file.out" "$T/stdin.out"; then
		pass
	else
		fail "$name: file and standard input differ:"
		diff "$T/file.out" "$T/stdin.out" | head -10 >&2
	fi
}

same "classic pcap" "$T/big.pcap"
check_grep "^20000 packets" "$T/file.out" "every packet of big.pcap"
same "records longer than the snaplen" "$T/snap.pcap"
check_grep "^3000 packets" "$T/file.out" "every packet of snap.pcap"
same "nanosecond timestamps" "$T/nano.pcap"
same "big-endian file" "$T/be.pcap"
same "filter" "$T/big.pcap" --filter "tcp port 443"
check_grep "^6667 packets" "$T/file.out" "the filter's packets"
same "file cut short" "$T/cut.pcap"
check_grep "the record at byte offset $(cat "$T/cut.off") is incomplete" "$T/file.out" "offset of the cut record"

if command -v editcap >/dev/null; then
	editcap -F pcapng "$T/big.pcap" "$T/big.pcapng"
	same "pcapng" "$T/big.pcapng"
	check_grep "^20000 packets" "$T/file.out" "every packet of big.pcapng"
else
	echo "no editcap: pcapng part left out"
fi

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
