#!/usr/bin/env bash
# Records the classifier's fixtures from real peers in network namespaces it
# creates, and works out the expected egress per service with tshark from
# the known setup (which server name, port or peer each connection used).
#
#   sudo tests/classify/record.sh [OUTDIR]      (default: tests/data/classify)
#
# Server namespace 192.0.2.1: nginx terminating TLS for www/shop/api/ws/mcp
# .example.com (one self-signed certificate) and plain HTTP on :80; a
# python3-websockets server on 127.0.0.1:8765 behind nginx's /ws; MCP servers
# from @modelcontextprotocol/sdk: Streamable HTTP on :3000 (also behind
# nginx as mcp.example.com) and the legacy HTTP+SSE transport on :3001.
# Client namespace 192.0.2.2: curl, node's https module, Debian's chromium
# (headless; its post-quantum ClientHello spans two segments), a websockets
# client, and the SDK's MCP client.  Segmentation offloads are off so the
# pcaps hold wire-sized segments.  Needs root, nginx, tcpdump, tshark,
# ethtool, chromium, node with tests/node_modules (tools/test-deps.sh).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$SRC/tests/data/classify}
PEERS=$SRC/tests/classify/peers
. "$SRC/tests/tls_site.sh"
[ "$(id -u)" -eq 0 ] || { echo "record.sh: needs root" >&2; exit 1; }
for t in nginx tcpdump tshark ethtool chromium node openssl curl; do
	command -v "$t" >/dev/null || { echo "record.sh: $t is missing" >&2; exit 1; }
done
[ -d "$SRC/tests/node_modules/@modelcontextprotocol/sdk" ] || bash "$SRC/tools/test-deps.sh"

W=$(mktemp -d /tmp/costs-record.XXXXXX)
chmod 755 "$W"
S=clsrv$$
C=clcli$$
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -f "$W/nginx.pid" ] && kill "$(cat "$W/nginx.pid")" 2>/dev/null || true
	sleep 0.3
	ip netns del "$S" 2>/dev/null || true
	ip netns del "$C" 2>/dev/null || true
	rm -rf "/etc/netns/$C" "$W"
}
trap cleanup EXIT
ins() { ip netns exec "$S" "$@"; }
inc() { ip netns exec "$C" "$@"; }

# --- network -----------------------------------------------------------------
ip netns add "$S"
ip netns add "$C"
ip link add "vs$$" type veth peer name "vc$$"
ip link set "vs$$" netns "$S"
ip link set "vc$$" netns "$C"
for ns in "$S" "$C"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$ns" link set lo up
done
ip -n "$S" addr add 192.0.2.1/24 dev "vs$$"
ip -n "$C" addr add 192.0.2.2/24 dev "vc$$"
ip -n "$S" link set "vs$$" up
ip -n "$C" link set "vc$$" up
ins ethtool -K "vs$$" tso off gso off gro off >/dev/null 2>&1
inc ethtool -K "vc$$" tso off gso off gro off >/dev/null 2>&1
ins ethtool -K lo tso off gso off gro off >/dev/null 2>&1 || true
mkdir -p "/etc/netns/$C"
cat >"/etc/netns/$C/hosts" <<HOSTS
127.0.0.1 localhost
192.0.2.1 www.example.com shop.example.com api.example.com ws.example.com mcp.example.com
HOSTS

# --- servers -----------------------------------------------------------------
tls_cert "$W" www.example.com shop.example.com api.example.com ws.example.com mcp.example.com
for site in www shop api; do
	mkdir -p "$W/$site"
done
# Different sizes per site, so a misattribution shows in the totals.
head -c 8000 /dev/urandom | base64 -w 100 >"$W/www/index.html"
head -c 16000 /dev/urandom | base64 -w 100 >"$W/shop/index.html"
head -c 4000 /dev/urandom | base64 -w 100 >"$W/api/index.html"
nginx_conf "$W" "	types { text/html html; }" <<NGINX
	server { listen 192.0.2.1:80; server_name www.example.com; root $W/www; }
	server { listen 192.0.2.1:443 ssl http2; server_name www.example.com; root $W/www; }
	server { listen 192.0.2.1:443 ssl http2; server_name shop.example.com; root $W/shop; }
	server { listen 192.0.2.1:443 ssl http2; server_name api.example.com; root $W/api; }
$(nginx_ws_mcp 192.0.2.1)
NGINX
ins nginx -c "$W/nginx.conf" -e "$W/nginx-error.log"
ip netns exec "$S" /usr/bin/python3 "$PEERS/ws_server.py" 127.0.0.1 8765 &
PIDS+=($!)
ip netns exec "$S" node "$PEERS/mcp-server.mjs" streamable 0.0.0.0 3000 2>/dev/null &
PIDS+=($!)
ip netns exec "$S" node "$PEERS/mcp-server.mjs" sse 192.0.2.1 3001 2>/dev/null &
PIDS+=($!)
for port in 80 443 3000 3001 8765; do
	for _ in $(seq 50); do
		ins bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && break
		ins bash -c "exec 3<>/dev/tcp/192.0.2.1/$port" 2>/dev/null && break
		sleep 0.2
	done
done

# --- recording ---------------------------------------------------------------
TD=()
start_capture() { # NAME IFACE
	# Not through a function: $! must be tcpdump itself (ip netns exec execs it).
	ip netns exec "$S" tcpdump -Z root -U -s 0 -i "$2" -w "$W/$1.pcap" tcp 2>/dev/null &
	TD+=($!)
}
stop_captures() {
	sleep 1
	for p in "${TD[@]}"; do kill -INT "$p" 2>/dev/null || true; done
	for p in "${TD[@]}"; do wait "$p" 2>/dev/null || true; done
	TD=()
}
settle() { sleep 1.5; } # tcpdump attaches

CHROMIUM=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	--ignore-certificate-errors --dump-dom)

# 1. Three server names on one nginx: curl (OpenSSL), node, chromium; plain HTTP.
start_capture sni "vs$$"
settle
for site in www shop api; do
	inc curl -sk -o /dev/null "https://$site.example.com/"
	inc curl -sk --http1.1 -o /dev/null "https://$site.example.com/"
	inc node "$PEERS/https-client.mjs" "$site.example.com" / 1
done
for site in www shop; do
	d=$(mktemp -d)
	inc "${CHROMIUM[@]}" --user-data-dir="$d" "https://$site.example.com/" >/dev/null 2>&1
	rm -rf "$d"
done
inc curl -s -o /dev/null http://www.example.com/
stop_captures

# 2. wss through nginx to the websockets server: public leg and backend leg.
start_capture wss "vs$$"
start_capture wss-backend lo
settle
inc /usr/bin/python3 "$PEERS/ws_client.py" wss://ws.example.com/ws 16
stop_captures

# 3. MCP Streamable HTTP, plain.
start_capture mcp-http "vs$$"
settle
inc node "$PEERS/mcp-client.mjs" streamable http://192.0.2.1:3000/mcp 4
stop_captures

# 4. MCP behind nginx TLS: public leg and backend leg.
start_capture mcp-tls "vs$$"
start_capture mcp-tls-backend lo
settle
NODE_TLS_REJECT_UNAUTHORIZED=0 inc node "$PEERS/mcp-client.mjs" streamable \
	https://mcp.example.com/mcp 4 2>&1 | grep -v NODE_TLS_REJECT_UNAUTHORIZED >&2 || true
stop_captures

# 5. MCP over the legacy HTTP+SSE transport.
start_capture mcp-sse "vs$$"
settle
inc node "$PEERS/mcp-client.mjs" sse http://192.0.2.1:3001/sse 4
stop_captures

# --- expected totals ---------------------------------------------------------
# A connection's server is the side that sent the SYN-ACK; its egress is the
# IP length of every packet that side sent.  The service follows from the
# setup: the ClientHello's server name on 443 (names as in fixtures.conf),
# HTTP on 80, MCP on 3000/3001, the websockets server on 8765.
expected() { # NAME
	tshark -r "$W/$1.pcap" -o tcp.desegment_tcp_streams:TRUE -T fields -E separator=/t \
		-e tcp.stream -e ip.src -e tcp.srcport -e ip.len -e tcp.flags.syn -e tcp.flags.ack \
		-e tls.handshake.extensions_server_name 2>/dev/null |
		awk -F'\t' -v name="$1" '
		{ st[NR] = $1; src[NR] = $2 ":" $3; len[NR] = $4 }
		$5 == 1 && $6 == 1 { server[$1] = $2 ":" $3; port[$1] = $3 }
		$7 != "" { sni[$1] = $7 }
		END {
			for (i = 1; i <= NR; i++) {
				s = st[i]
				if (!(s in server) || src[i] != server[s]) continue
				p = port[s]
				if (p == 80) svc = "http"
				else if (p == 3000 || p == 3001) svc = "mcp"
				else if (p == 8765) svc = "websocket"
				else if (p == 443) {
					n = sni[s]
					if (n == "www.example.com") svc = "www"
					else if (n == "shop.example.com") svc = "shop"
					else if (n == "api.example.com") svc = "api"
					else if (n == "ws.example.com") svc = "game"
					else if (n == "mcp.example.com") svc = "mcp"
					else svc = "https"
				} else svc = "other"
				tot[svc] += len[i]
			}
			for (v in tot) printf "%s.pcap,%s,%d\n", name, v, tot[v]
		}' | sort
}
mkdir -p "$OUT"
{
	echo "file,service,egress_bytes"
	for f in sni wss wss-backend mcp-http mcp-tls mcp-tls-backend mcp-sse; do
		expected "$f"
	done
} >"$OUT/expected.csv"
for f in sni wss wss-backend mcp-http mcp-tls mcp-tls-backend mcp-sse; do
	cp "$W/$f.pcap" "$OUT/$f.pcap"
done
ls -l "$OUT"/*.pcap >&2
cat "$OUT/expected.csv" >&2
