#!/usr/bin/env python3
"""Writes small crafted or damaged pcap files for the capture tests.

  craft.py huge-orig OUT        one 15-byte frame whose record claims an
                                original length of 0xFFFFFFFF
  craft.py ip-too-long OUT      ten whole 54-byte TCP/443 frames whose IPv4
                                total length claims 65535
  craft.py snap-cut OUT         ten 54-byte TCP/443 frames cut by a 54-byte
                                snaplen out of 1514 on the wire (IP length 1500)
  craft.py bad-record OUT N     N good 54-byte frames (IP length 40), then a
                                record whose captured length no reader accepts
  craft.py many OUT N [DAYS]    N good 54-byte frames claiming 1500 bytes of IP
                                out of 1514 on the wire (a 54-byte snaplen),
                                spread over DAYS days: 1500 * N bytes in all
Frames go from 203.0.113.9:50000 to 192.0.2.1:443.
"""
import struct
import sys

T0 = 1780000000  # 2026-05-28


def header(snaplen=65535):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1)


def record(ts, data, orig_len=None):
    return struct.pack("<IIII", ts, 0, len(data), len(data) if orig_len is None else orig_len) + data


def tcp_frame(ip_total, payload_len=0):
    eth = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_total, 0, 0x4000, 64, 6, 0,
                     bytes([203, 0, 113, 9]), bytes([192, 0, 2, 1]))
    tcp = struct.pack("!HHIIBBHHH", 50000, 443, 1, 1, 0x50, 0x10, 65535, 0, 0)
    return eth + ip + tcp + bytes(payload_len)


def main():
    kind, out = sys.argv[1], sys.argv[2]
    b = bytearray()
    if kind == "huge-orig":
        b += header() + record(T0, tcp_frame(40)[:15], 0xFFFFFFFF)
    elif kind == "ip-too-long":
        b += header()
        for i in range(10):
            b += record(T0 + i, tcp_frame(65535))
    elif kind == "snap-cut":
        b += header(54)
        for i in range(10):
            b += record(T0 + i, tcp_frame(1500), 1514)
    elif kind == "bad-record":
        b += header()
        for i in range(int(sys.argv[3])):
            b += record(T0 + i, tcp_frame(40))
        b += struct.pack("<IIII", T0 + 99, 0, 0x7FFFFFFF, 0x7FFFFFFF) + bytes(64)
    elif kind == "many":
        n = int(sys.argv[3])
        days = int(sys.argv[4]) if len(sys.argv) > 4 else 1
        b += header(54)
        f = tcp_frame(1500)
        for d in range(days):
            count = n // days + (1 if d < n % days else 0)
            b += record(T0 + d * 86400, f, 1514) * count
    else:
        sys.exit("unknown kind " + kind)
    with open(out, "wb") as fh:
        fh.write(b)


main()
