#!/usr/bin/python3
"""Test peers for the nft integration test (run with /usr/bin/python3, which
has python3-websockets).

  peers.py ws HOST PORT            WebSocket echo server, plus a UDP echo on the same port
  peers.py bulk HOST PORT          TCP server: reads "N\\n", sends N bytes, waits for the
                                   client to close, then closes (so nothing is queued at close)
  peers.py client-ws HOST PORT N SIZE   N WebSocket round trips of SIZE bytes, then
                                   N UDP round trips of SIZE bytes
  peers.py client-bulk HOST PORT N BYTES  N connections to a bulk server
  peers.py client-http URL N       N HTTP GETs, reading each body
"""
import asyncio
import socket
import socketserver
import sys
import urllib.request


def ws_server(host, port):
    import websockets

    class Udp(asyncio.DatagramProtocol):
        def connection_made(self, transport):
            self.t = transport

        def datagram_received(self, data, addr):
            self.t.sendto(data, addr)

    async def echo(ws, path=None):
        async for msg in ws:
            await ws.send(msg)

    async def main():
        loop = asyncio.get_running_loop()
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        await loop.create_datagram_endpoint(Udp, local_addr=(host, port), family=fam)
        async with websockets.serve(echo, host, port, max_size=None, compression=None):
            print("ready", flush=True)
            await asyncio.Future()

    asyncio.run(main())


class Bulk(socketserver.StreamRequestHandler):
    def handle(self):
        n = int(self.rfile.readline())
        chunk = b"x" * 65536
        while n > 0:
            k = min(n, len(chunk))
            self.wfile.write(chunk[:k])
            n -= k
        self.wfile.flush()
        # Wait for the client's close: every byte sent was read and acknowledged.
        while self.request.recv(65536):
            pass


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class Server6(Server):
    address_family = socket.AF_INET6


def bulk_server(host, port):
    cls = Server6 if ":" in host else Server
    with cls((host, port), Bulk) as srv:
        print("ready", flush=True)
        srv.serve_forever()


def client_ws(host, port, n, size):
    import websockets

    async def main():
        h = "[%s]" % host if ":" in host else host
        async with websockets.connect("ws://%s:%d/" % (h, port), max_size=None,
                                      compression=None) as ws:
            for i in range(n):
                await ws.send(b"y" * size)
                assert len(await ws.recv()) == size
    asyncio.run(main())
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(5)
    for i in range(n):
        s.sendto(b"u" * min(size, 1200), (host, port))
        s.recvfrom(65536)
    s.close()


def client_bulk(host, port, n, nbytes):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    for i in range(n):
        s = socket.create_connection((host, port))
        s.sendall(b"%d\n" % nbytes)
        got = 0
        while got < nbytes:
            d = s.recv(65536)
            if not d:
                break
            got += len(d)
        assert got == nbytes, (got, nbytes)
        s.close()


def client_http(url, n):
    for i in range(n):
        with urllib.request.urlopen(url, timeout=10) as r:
            r.read()


def main():
    a = sys.argv[1:]
    if a[0] == "ws":
        ws_server(a[1], int(a[2]))
    elif a[0] == "bulk":
        bulk_server(a[1], int(a[2]))
    elif a[0] == "client-ws":
        client_ws(a[1], int(a[2]), int(a[3]), int(a[4]))
    elif a[0] == "client-bulk":
        client_bulk(a[1], int(a[2]), int(a[3]), int(a[4]))
    elif a[0] == "client-http":
        client_http(a[1], int(a[2]))
    else:
        sys.exit("unknown mode " + a[0])


if __name__ == "__main__":
    main()
