#!/usr/bin/env python3
"""Writes a synthetic Ethernet pcap for the capture benchmark.

Default mix: FLOWS concurrent TCP connections to a server (a quarter on 443
starting with a TLS ClientHello, the rest on 80 and 8080), each a handshake,
a request, then bulk 1448-byte segments from the server with an ACK from
the client every second segment, and a FIN exchange; packets of all flows
are interleaved round-robin.  --one-shot writes FLOWS flows of two packets
each (SYN, SYN+ACK), for the concurrent-flows memory test.
With --names, TLS flows name a server (SNI) and port 80/8080 flows send an
HTTP request with a Host header, drawn from names that the 50-rule config
of tests/bench/ratios.sh matches (a third) or not; --one-shot flows then
also carry a ClientHello.
Usage: gen_capture.py OUT.pcap [--packets N] [--flows N] [--snaplen N] [--one-shot] [--names] [--seed N]
"""
import argparse
import random
import struct

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--packets", type=int, default=1_000_000)
p.add_argument("--flows", type=int, default=500)
p.add_argument("--snaplen", type=int, default=65535)
p.add_argument("--one-shot", action="store_true")
p.add_argument("--names", action="store_true")
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
rnd = random.Random(a.seed)
print(f"gen_capture: seed {a.seed}")

SRV = bytes([192, 0, 2, 1])
MAC = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02"
HELLO = (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(32) + b"\x20" + bytes(32)
         + b"\x00\x02\x13\x01\x01\x00\x01\xb1\x00\x00\x00\x14\x00\x12\x00\x00\x0fbench.example.com")
HELLO = HELLO + bytes(517 - len(HELLO))


def hello(name):
    """A 517-byte TLS 1.3 ClientHello naming name, padded (extension 21)."""
    n = name.encode()
    sni = struct.pack("!HHHBH", 0, len(n) + 5, len(n) + 3, 0, len(n)) + n
    body_head = b"\x03\x03" + bytes(32) + b"\x20" + bytes(32) + b"\x00\x02\x13\x01\x01\x00"
    # record 5 + handshake 4 + body_head + ext len 2 + sni + padding ext 4 + pad
    pad = 517 - (5 + 4 + len(body_head) + 2 + len(sni) + 4)
    exts = sni + struct.pack("!HH", 21, pad) + bytes(pad)
    body = body_head + struct.pack("!H", len(exts)) + exts
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def name_of(i):
    """Names the 50-rule config matches (exact, suffix glob, other glob) or not."""
    k = rnd.randrange(9)
    if k == 0:
        return f"svc{i % 10}.example.com"
    if k == 1:
        return f"img{i % 7}.cdn{i % 15}.example.net"
    if k == 2:
        return f"api-{i % 97}.v{i % 3}.example.io"
    return f"www.site{i % 5000}.example.org"


def request(name):
    return f"GET /index.html HTTP/1.1\r\nHost: {name}\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n".encode()


PAYLOAD = bytes(rnd.getrandbits(8) for _ in range(1448))


def frame(src, dst, sport, dport, seq, ack, flags, payload_len, payload=b""):
    total = 40 + payload_len
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 6, 0, src, dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      0x50, flags, 65535, 0, 0)
    body = payload[:payload_len] if payload else PAYLOAD[:payload_len]
    return MAC + b"\x08\x00" + ip + tcp + body


def client(i):
    return bytes([198, 51, (i >> 8) & 0xFF, i & 0xFF]) if i < 65536 else \
        bytes([10, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])


def flow(i):
    """Yields the frames of one connection, forever restarting."""
    c = client(i)
    port = (443, 80, 8080, 443)[i % 4]
    cport = 10000 + (i * 7) % 50000
    while True:
        cs, ss = rnd.getrandbits(32), rnd.getrandbits(32)
        yield frame(c, SRV, cport, port, cs, 0, 0x02, 0)
        yield frame(SRV, c, port, cport, ss, cs + 1, 0x12, 0)
        yield frame(c, SRV, cport, port, cs + 1, ss + 1, 0x10, 0)
        if port == 443:
            h = hello(name_of(i)) if a.names else HELLO
            yield frame(c, SRV, cport, port, cs + 1, ss + 1, 0x18, len(h), h)
        elif a.names:
            r = request(name_of(i))
            yield frame(c, SRV, cport, port, cs + 1, ss + 1, 0x18, len(r), r)
        else:
            yield frame(c, SRV, cport, port, cs + 1, ss + 1, 0x18, 120)
        for k in range(rnd.randint(50, 400)):
            yield frame(SRV, c, port, cport, ss + 1 + k * 1448, cs + 200, 0x10, 1448)
            if k % 2:
                yield frame(c, SRV, cport, port, cs + 200, ss + 1 + k * 1448, 0x10, 0)
        yield frame(SRV, c, port, cport, ss, cs, 0x11, 0)
        yield frame(c, SRV, cport, port, cs, ss, 0x11, 0)
        cport = 10000 + (cport + 1 - 10000) % 50000


with open(a.out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, a.snaplen, 1))
    t = 1780000000.0
    n = 0
    buf = []

    def put(fr):
        global t, n
        t += 0.00001
        sec = int(t)
        usec = int((t - sec) * 1e6)
        cap = min(len(fr), a.snaplen)
        buf.append(struct.pack("<IIII", sec, usec, cap, len(fr)) + fr[:cap])
        n += 1
        if len(buf) >= 10000:
            f.write(b"".join(buf))
            buf.clear()

    if a.one_shot:
        for i in range(a.flows):
            c = client(i)
            put(frame(c, SRV, 40000 + i % 20000, 443, i, 0, 0x02, 0))
            if a.names:
                h = hello(name_of(i))
                put(frame(c, SRV, 40000 + i % 20000, 443, i + 1, 0, 0x18, len(h), h))
            else:
                put(frame(SRV, c, 443, 40000 + i % 20000, i, i + 1, 0x12, 0))
    else:
        gens = [flow(i) for i in range(a.flows)]
        while n < a.packets:
            for g in gens:
                put(next(g))
    f.write(b"".join(buf))
print(f"gen_capture: wrote {n} packets to {a.out}")
