#!/usr/bin/env bash
# Records the capture fixtures in tests/data/capture/ from real servers in
# network namespaces this script creates, and works out the expected
# per-service totals with tshark.  Run as root from the source tree:
#   tests/capture/record.sh [OUTDIR]
# Servers: nginx over TLS (443) and plain HTTP (80), a WebSocket echo server
# (python3-websockets, port 8765).  Clients: curl and a websockets client
# sending random bytes (permessage-deflate cannot shrink them).
# Writes web.pcap (Ethernet, pcap), web-any.pcapng (Linux cooked v2, pcapng)
# and, for each, NAME.expected: service,egress_bytes,ingress_bytes as seen
# from the server 192.0.2.1 / 2001:db8::1.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$SRC/tests/data/capture}
PY=/usr/bin/python3
[ "$(id -u)" = 0 ] || { echo "record.sh: needs root (network namespaces)" >&2; exit 1; }
for t in ip nginx curl tcpdump tshark openssl editcap; do
	command -v $t >/dev/null || { echo "record.sh: needs $t" >&2; exit 1; }
done
W=$(mktemp -d /tmp/costs-record.XXXXXX)
NS_S=costs-rec-srv-$$
NS_C=costs-rec-cli-$$
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del "$NS_S" 2>/dev/null || true
	ip netns del "$NS_C" 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT

ip netns add "$NS_S"
ip netns add "$NS_C"
ip link add veth-s netns "$NS_S" type veth peer name veth-c netns "$NS_C"
ip -n "$NS_S" addr add 192.0.2.1/24 dev veth-s
ip -n "$NS_C" addr add 192.0.2.2/24 dev veth-c
ip -n "$NS_S" addr add 2001:db8::1/64 dev veth-s nodad
ip -n "$NS_C" addr add 2001:db8::2/64 dev veth-c nodad
for ns in "$NS_S" "$NS_C"; do
	ip -n "$ns" link set lo up
done
ip -n "$NS_S" link set veth-s up
ip -n "$NS_C" link set veth-c up
# Wire-sized segments, as a NIC without offload would send them.
ip netns exec "$NS_S" ethtool -K veth-s tso off gso off gro off >/dev/null 2>&1 || true
ip netns exec "$NS_C" ethtool -K veth-c tso off gso off gro off >/dev/null 2>&1 || true

mkdir -p "$W/www" "$W/nginx"
head -c 40000 /dev/urandom >"$W/www/blob.bin"
printf 'hello from costs\n' >"$W/www/index.html"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=www.example.com \
	-keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null
cat >"$W/nginx.conf" <<CONF
user root;
worker_processes 1;
pid $W/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $W/nginx;
	proxy_temp_path $W/nginx;
	fastcgi_temp_path $W/nginx;
	uwsgi_temp_path $W/nginx;
	scgi_temp_path $W/nginx;
	server {
		listen 192.0.2.1:80;
		listen [2001:db8::1]:80;
		listen 192.0.2.1:443 ssl;
		ssl_certificate $W/cert.pem;
		ssl_certificate_key $W/key.pem;
		root $W/www;
	}
}
CONF
cat >"$W/ws_server.py" <<'PYEOF'
import asyncio, sys, websockets
async def echo(ws, path=None):
    async for m in ws:
        await ws.send(m)
async def main():
    async with websockets.serve(echo, "192.0.2.1", 8765):
        await asyncio.Future()
asyncio.run(main())
PYEOF
cat >"$W/ws_client.py" <<'PYEOF'
import asyncio, os, websockets
async def main():
    async with websockets.connect("ws://192.0.2.1:8765/echo") as ws:
        for n in (100, 1000, 3000, 200, 5000):
            await ws.send(os.urandom(n))
            await ws.recv()
asyncio.run(main())
PYEOF

ip netns exec "$NS_S" nginx -c "$W/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
ip netns exec "$NS_S" "$PY" "$W/ws_server.py" &
PIDS+=($!)
for i in $(seq 50); do
	ip netns exec "$NS_S" ss -ltn | grep -q ':8765' && ip netns exec "$NS_S" ss -ltn | grep -q ':443' && break
	sleep 0.1
done

traffic() {
	ip netns exec "$NS_C" curl -sk --http1.1 -o /dev/null https://192.0.2.1/blob.bin
	ip netns exec "$NS_C" curl -s -o /dev/null http://192.0.2.1/index.html
	ip netns exec "$NS_C" curl -s -o /dev/null 'http://[2001:db8::1]/blob.bin'
	ip netns exec "$NS_C" "$PY" "$W/ws_client.py"
}

record() { # IFACE FILE
	ip netns exec "$NS_S" tcpdump -q --immediate-mode -i "$1" -s 0 -U -w "$W/raw.pcap" "ip or ip6" 2>"$W/tcpdump.err" &
	local pid=$!
	sleep 1
	traffic
	sleep 0.5
	kill -INT "$pid"
	wait "$pid" || true
	[ -n "${DEBUG:-}" ] && cat "$W/tcpdump.err" >&2
	cp "$W/raw.pcap" "$2"
}

[ -n "${DEBUG:-}" ] && { traffic; ip netns exec "$NS_S" ss -tin; }
record veth-s "$OUT/web.pcap"
record any "$W/any.pcap"
editcap -F pcapng "$W/any.pcap" "$OUT/web-any.pcapng"

expected() { # FILE: per-service egress/ingress of the server, by tshark
	local f=$1
	tshark -r "$f" -T fields -E separator=/t -E aggregator=/s \
		-e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e ip.len -e ipv6.plen \
		-e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport |
		awk -F'\t' '
		function first(v) { sub(/ .*/, "", v); return v }
		function svc(port) { return port == 443 ? "https" : port == 80 ? "http" : port == 8765 ? "ws" : "other" }
		{
			for (i = 1; i <= 10; i++) v[i] = first($i)
			src = v[1] != "" ? v[1] : v[3]
			len = v[5] != "" ? v[5] : v[6] + 40
			sp = v[7] != "" ? v[7] : v[9]; dp = v[8] != "" ? v[8] : v[10]
			if (src == "192.0.2.1" || src == "2001:db8::1") { s = svc(sp); eg[s] += len }
			else { s = svc(dp); in_[s] += len }
			seen[s] = 1
		}
		END { print "service,egress_bytes,ingress_bytes"
		      for (s in seen) printf "%s,%d,%d\n", s, eg[s], in_[s] }' |
		{ read -r h; echo "$h"; sort; } >"${f%.*}.expected"
}
expected "$OUT/web.pcap"
expected "$OUT/web-any.pcapng"
ls -l "$OUT"
cat "$OUT"/*.expected
