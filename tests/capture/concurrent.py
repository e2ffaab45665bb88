# Writes a pcap of N (default 20,000) concurrent TCP connections to
# 192.0.2.1:9000, each sending an HTTP request 0.5 s after its handshake;
# the server answers 5 x 1460 bytes.   concurrent.py OUT.pcap [N]
import struct, sys
N = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
out = open(sys.argv[1], 'wb')
out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def pkt(t, src, dst, sp, dp, seq, ack, flags, payload=b''):
    tcp = struct.pack('!HHIIBBHHH', sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    eth = b'\x02' * 6 + b'\x04' * 6 + b'\x08\x00'
    frame = eth + ip + tcp
    sec = int(t); us = int((t - sec) * 1e6)
    out.write(struct.pack('<IIII', sec, us, len(frame), len(frame)) + frame)
srv = bytes([192, 0, 2, 1])
ev = []
t0 = 1780000000.0
for i in range(N):
    cli = bytes([198, 51, 100 + (i // 60000), 1 + (i // 250) % 250])
    sp = 10000 + i % 250 * 200 + i // 62500
    t = t0 + i * 25e-6
    ev.append((t, 0, i, cli, sp))
    ev.append((t + 0.5, 1, i, cli, sp))
ev.sort()
req = b'GET /api/items HTTP/1.1\r\nHost: api.example.com\r\nAccept: */*\r\n\r\n'
body = b'HTTP/1.1 200 OK\r\nContent-Length: 7000\r\n\r\n'
for t, kind, i, cli, sp in ev:
    if kind == 0:
        pkt(t, cli, srv, sp, 9000, 1000, 0, 0x02)
        pkt(t + 1e-6, srv, cli, 9000, sp, 5000, 1001, 0x12)
        pkt(t + 2e-6, cli, srv, sp, 9000, 1001, 5001, 0x10)
    else:
        pkt(t, cli, srv, sp, 9000, 1001, 5001, 0x18, req)
        seq = 5001
        for k in range(5):
            pl = (body if k == 0 else b'') + b'x' * (1460 - (len(body) if k == 0 else 0))
            pkt(t + 1e-6 * (k + 1), srv, cli, 9000, sp, seq, 1001 + len(req), 0x10, pl)
            seq += len(pl)
