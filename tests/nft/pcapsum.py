#!/usr/bin/python3
"""Reads a pcap (Ethernet, as tcpdump -w writes it) taken on a host's
interface and prints one line per IP packet the host sent or received:
    DIR FAMILY PROTO LPORT L3LEN LADDR
DIR is egress (the frame's source MAC is the host's) or ingress (unicast to
the host's MAC); LPORT the local TCP/UDP port (0 for other protocols); L3LEN
the IPv4 total length or IPv6 payload length + 40, as nftables counts;
LADDR the local address.  Usage: pcapsum.py FILE MAC
"""
import ipaddress
import struct
import sys


def main():
    path = sys.argv[1]
    mac = bytes.fromhex(sys.argv[2].replace(":", ""))
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(e + "I", data[20:24])[0]
    if linktype != 1:
        sys.exit("pcapsum: link type %d, expected Ethernet" % linktype)
    off = 24
    out = []
    while off + 16 <= len(data):
        caplen = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if len(pkt) < 14:
            continue
        if pkt[6:12] == mac:
            d, lp = "egress", 0
        elif pkt[0:6] == mac:
            d, lp = "ingress", 2
        else:
            continue
        et = struct.unpack("!H", pkt[12:14])[0]
        p = pkt[14:]
        if et == 0x0800 and len(p) >= 20:
            ihl = (p[0] & 15) * 4
            l3 = struct.unpack("!H", p[2:4])[0]
            proto, src, dst, l4 = p[9], p[12:16], p[16:20], p[ihl:]
            fam = "ip"
        elif et == 0x86DD and len(p) >= 40:
            l3 = struct.unpack("!H", p[4:6])[0] + 40
            proto, src, dst, l4 = p[6], p[8:24], p[24:40], p[40:]
            fam = "ip6"
        else:
            continue
        port = 0
        if proto in (6, 17) and len(l4) >= 4:
            port = struct.unpack("!H", l4[lp:lp + 2])[0]
        laddr = ipaddress.ip_address(src if d == "egress" else dst)
        out.append("%s %s %d %d %d %s" % (d, fam, proto, port, l3, laddr))
    print("\n".join(out))


main()
