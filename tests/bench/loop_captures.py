#!/usr/bin/env python3
"""Writes an Ethernet pcap of about N packets by looping real captures.

Reads the classic-pcap Ethernet captures given (others are skipped), and
writes their frames again and again until N packets are written.  Each
round adds the round number to the first two bytes of both IPv4 addresses
(bytes 3-4 of both IPv6 addresses), so every round is new connections
with the same payloads, and timestamps advance by 10 us per packet.
Usage: loop_captures.py OUT.pcap N CAPTURE...
"""
import struct
import sys

out, total, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
frames = []
for path in files:
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        continue
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        continue  # pcapng
    if struct.unpack(e + "I", data[20:24])[0] != 1:
        continue  # not Ethernet
    off = 24
    while off + 16 <= len(data):
        _, _, cap, wire = struct.unpack(e + "IIII", data[off:off + 16])
        frames.append((data[off + 16:off + 16 + cap], wire))
        off += 16 + cap
print(f"loop_captures: {len(frames)} frames from {len(files)} files")


def shifted(fr, r):
    b = bytearray(fr)
    off, t = 14, b[12] << 8 | b[13] if len(b) >= 14 else 0
    while t in (0x8100, 0x88A8) and off + 4 <= len(b):
        t = b[off + 2] << 8 | b[off + 3]
        off += 4
    if t == 0x0800 and off + 20 <= len(b):
        for a in (off + 12, off + 16):
            v = (b[a] << 8 | b[a + 1]) + r
            b[a], b[a + 1] = (v >> 8) & 0xFF, v & 0xFF
    elif t == 0x86DD and off + 40 <= len(b):
        for a in (off + 10, off + 26):
            v = (b[a] << 8 | b[a + 1]) + r
            b[a], b[a + 1] = (v >> 8) & 0xFF, v & 0xFF
    return bytes(b)


with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    n, r, t = 0, 0, 1780000000 * 100000
    buf = []
    while n < total and frames:
        for fr, wire in frames:
            s = shifted(fr, r)
            t += 1
            buf.append(struct.pack("<IIII", t // 100000, (t % 100000) * 10, len(s), wire) + s)
            n += 1
            if n >= total:
                break
        r += 1
        f.write(b"".join(buf))
        buf.clear()
print(f"loop_captures: wrote {n} packets in {r} rounds to {out}")
