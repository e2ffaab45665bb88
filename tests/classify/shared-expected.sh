#!/usr/bin/env bash
# Works out, with tshark, the expected egress per service of the shared
# captures in ../shared/captures (never copied into the repository): each
# connection's local side is the one that accepted it (sent the SYN-ACK),
# else the lower port, as `--local auto` does; its service follows from what
# the capture is known to hold (README of the shared folder and a look at
# the payloads), keyed by the server port below.  Writes CSV to stdout:
#   file,service,egress_bytes
#   tests/classify/shared-expected.sh > tests/data/classify/shared-expected.csv
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
CAP=${COSTS_SHARED_CAPTURES:-$SRC/../shared/captures}

# file  server-port=service ...   (anything else: other)
MAP=(
	"contextinjector__mcp.pcap 80=mcp"              # MCP Streamable HTTP
	"mcpdebug__mcp-sse.pcap 8080=mcp"               # MCP legacy HTTP+SSE (uvicorn)
	"ndpi__jsonrpc.pcap 80=http"                    # Zabbix JSON-RPC over HTTP; 8080 is raw JSON-RPC over TCP
	"spang__websocket_simple.dump 8765=websocket"
	"zeek__http_websocket.pcap 80=websocket"
	"zeek__websocket_jupyter-websocket.pcap 51185=websocket"
	"zeek__websocket_wstunnel-https.pcap 8888=websocket" # a tunnel carried in a plain ws upgrade
	"ndpi__tls_heur__vmess-websocket.pcapng 1234=websocket 443=https" # 1080 SOCKS5, 53 DNS
	"ndpi__quic-v2.pcapng 4443=https"               # QUIC v2
	"zeek__quic_curl-8.1.2-dev-http3-www-google-de.pcap 443=https" # QUIC v1 (HTTP/3)
	"zeek__tls_chrome-34-google.pcap 443=https"
	"zeek__tls_openjdk-25.0.2-zeek.org.pcap 443=https"
)

echo "file,service,egress_bytes"
for line in "${MAP[@]}"; do
	read -r file ports <<<"$line"
	tshark -r "$CAP/$file" -T fields -E separator=/t -E occurrence=f \
		-e ip.src -e ipv6.src -e ip.dst -e ipv6.dst -e tcp.srcport -e tcp.dstport \
		-e udp.srcport -e udp.dstport -e ip.len -e ipv6.plen -e tcp.flags.syn -e tcp.flags.ack \
		2>/dev/null |
		awk -F'\t' -v file="$file" -v ports="$ports" '
		BEGIN { n = split(ports, p, " "); for (i = 1; i <= n; i++) { split(p[i], kv, "="); svc[kv[1]] = kv[2] } }
		{
			src = $1 != "" ? $1 : $2; dst = $3 != "" ? $3 : $4
			if ($5 != "") { proto = "tcp"; sp = $5; dp = $6 } else if ($7 != "") { proto = "udp"; sp = $7; dp = $8 } else next
			len = $9 != "" ? $9 : $10 + 40
			a = src "|" sp; b = dst "|" dp
			key = proto (a < b ? a "-" b : b "-" a)
			if (!(key in server)) {
				if (proto == "tcp" && $11 == 1 && $12 == 0) server[key] = b
				else if (proto == "tcp" && $11 == 1 && $12 == 1) server[key] = a
				else server[key] = (sp + 0 < dp + 0) ? a : b
			}
			if (server[key] != a) next
			s = (sp in svc) ? svc[sp] : "other"
			tot[s] += len
		}
		END { for (s in tot) printf "%s,%s,%d\n", file, s, tot[s] }' | sort
done
