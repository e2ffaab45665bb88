#!/usr/bin/env bash
# costs watch against real peers: nginx terminating TLS on 443 for three
# names (a site, a long-lived wss game, an MCP endpoint), rules by SNI.
# During the traffic watch is SIGKILLed and restarted and the table is
# applied again.  Per-service egress from `sample` must match the truth
# tshark works out per SNI (99.9 % of the bytes), and the egress total must
# equal tcpdump's layer-3 bytes exactly.
. "$SRCDIR/tests/lib.sh"
NETNS_IPV6=0
. "$SRCDIR/tests/nft/netns.sh"
. "$SRCDIR/tests/tls_site.sh"
for tool in nginx tshark openssl node; do
	command -v "$tool" >/dev/null || skip "'$tool' is not installed"
done
[ -d "$SRCDIR/tests/node_modules/@modelcontextprotocol/sdk" ] ||
	skip "tests/node_modules has no @modelcontextprotocol/sdk (run tools/test-deps.sh)"
[ -e /proc/net/netfilter/nfnetlink_log ] || modprobe nfnetlink_log 2>/dev/null || true
PEERS="$SRCDIR/tests/classify/peers"
chmod 755 "$T"

mkdir -p "/etc/netns/$CL"
echo "192.0.2.1 www.example.com ws.example.com mcp.example.com" >"/etc/netns/$CL/hosts"
watch_cleanup() {
	[ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null
	rm -rf "/etc/netns/$CL"
	netns_cleanup
}
trap watch_cleanup EXIT

cat >"$T/costs.conf" <<'CONF'
[service site]
match = sni=www.example.com

[service game]
match = sni=ws.example.com

[service mcp]
match = sni=mcp.example.com
CONF
export COSTS_CONFIG="$T/costs.conf"

tls_cert "$T" www.example.com ws.example.com mcp.example.com
mkdir -p "$T/www"
head -c 3000000 /dev/urandom >"$T/www/big.bin"
{
	echo "	server { listen 192.0.2.1:443 ssl; server_name www.example.com; root $T/www; }"
	nginx_ws_mcp 192.0.2.1
} | nginx_conf "$T"

RC=0
srv "$COSTS" nft apply >"$T/out" 2>"$T/err" || RC=$?
check_rc 0 "nft apply"
srv nft list table inet costs >"$T/table" 2>&1
grep -q "log prefix \"i:https\" group" "$T/table" || skip "this nft cannot log to a group: $(head -3 "$T/table")"

srv nginx -c "$T/nginx.conf" -e "$T/nginx-error.log" || fail "nginx did not start"
"${SRV[@]}" /usr/bin/python3 "$PEERS/ws_server.py" 127.0.0.1 8765 >"$T/ws.log" 2>&1 &
PIDS="$PIDS $!"
"${SRV[@]}" node "$PEERS/mcp-server.mjs" streamable 127.0.0.1 3000 >"$T/mcp.log" 2>&1 &
PIDS="$PIDS $!"
wait_port 443 && wait_port 8765 && wait_port 3000 || exit 1
start_bg watch "watching" "${SRV[@]}" "$COSTS" -v watch || exit 1
WATCH_PID=$LAST_PID
start_bg tcpdump "listening on" "${SRV[@]}" tcpdump -n --immediate-mode -i "$IF" -s 2048 -B 65536 -U -w "$T/cap.pcap" || exit 1
TCPDUMP_PID=$LAST_PID

RC=0
srv "$COSTS" sample >"$T/out" 2>"$T/err" || RC=$?
check_rc 0 "first sample"
RC=0
srv "$COSTS" report --source nft --format csv >"$T/report0" 2>"$T/err" || RC=$?
check_rc 0 "report after the first sample"

site() { # N: N downloads of the site's big file, each its own connection
	local i
	for i in $(seq "$1"); do
		cli curl -sk -o /dev/null "https://www.example.com/big.bin" || fail "site download"
	done
}
export NODE_TLS_REJECT_UNAUTHORIZED=0
export NODE_PATH="$SRCDIR/tests/node_modules"
start_bg wss connected "${CLI[@]}" /usr/bin/python3 "$SRCDIR/tests/nft/wss_client.py" \
	wss://ws.example.com/ws 12 20000 0.02 || exit 1
WSS_PID=$LAST_PID
(cd "$SRCDIR/tests" && cli node "$PEERS/mcp-client.mjs" streamable https://mcp.example.com/mcp 20) \
	>"$T/mcp1.log" 2>&1 || fail "mcp client: $(cat "$T/mcp1.log")"
site 3
sleep 3 # watch stores its moves every 2 s

# watch dies without a word, the long connection goes on, watch comes back.
kill -KILL "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null
sleep 1
start_bg watch2 "watching" "${SRV[@]}" "$COSTS" -v watch || exit 1
WATCH_PID=$LAST_PID
RC=0
srv "$COSTS" nft apply >"$T/out" 2>"$T/err" || RC=$?
check_rc 0 "nft apply again"
site 3
(cd "$SRCDIR/tests" && cli node "$PEERS/mcp-client.mjs" streamable https://mcp.example.com/mcp 20) \
	>"$T/mcp2.log" 2>&1 || fail "mcp client: $(cat "$T/mcp2.log")"
wait "$WSS_PID" || fail "wss client: $(cat "$T/wss.log")"
sleep 3
kill -TERM "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null
cat "$T/watch2.log"

RC=0
srv "$COSTS" -v sample >"$T/sample2" 2>"$T/err" || RC=$?
check_rc 0 "second sample"
sleep 0.5
kill -INT "$TCPDUMP_PID"
wait "$TCPDUMP_PID" 2>/dev/null
grep -q "^0 packets dropped by kernel" "$T/tcpdump.log" ||
	skip "tcpdump lost packets, so there is no truth to compare with: $(tail -1 "$T/tcpdump.log")"

# The truth: each TCP stream's server bytes (layer 3) under its SNI.
tshark -r "$T/cap.pcap" -2 -R 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields \
	-e tcp.stream >/dev/null 2>&1 || skip "tshark cannot read the capture"
tshark -r "$T/cap.pcap" -2 -R "tls.handshake.extensions_server_name" -T fields \
	-e tcp.stream -e tls.handshake.extensions_server_name >"$T/sni" 2>/dev/null
tshark -r "$T/cap.pcap" -T fields -e tcp.stream -e ip.src -e ip.len >"$T/lens" 2>/dev/null
awk 'NR == FNR { sni[$1] = $2; next }
	$2 == "192.0.2.1" {
		s = "https"
		if ($1 != "" && ($1 in sni)) {
			if (sni[$1] == "www.example.com") s = "site"
			else if (sni[$1] == "ws.example.com") s = "game"
			else if (sni[$1] == "mcp.example.com") s = "mcp"
		} else if ($1 == "") s = "other"
		b[s] += $3; t += $3
	} END { for (k in b) print k, b[k]; print "(total)", t }' "$T/sni" "$T/lens" | sort >"$T/truth"
RC=0
srv "$COSTS" report --source nft --format csv >"$T/report" 2>"$T/err" || RC=$?
check_rc 0 "report"
echo "truth (tshark per SNI, egress bytes):"; cat "$T/truth"
echo "report:"; cat "$T/report"

get() { awk -v s="$2" '$1 == s { print $2; f = 1 } END { if (!f) print 0 }' "$1"; }
# The report holds the moved totals; egress bytes per service from its CSV.
hdr=$(head -1 "$T/report")
col=$(echo "$hdr" | tr ',' '\n' | grep -n '^egress_bytes$' | cut -d: -f1)
[ -n "$col" ] || fail "no egress_bytes column in: $hdr"
# What the traffic added: the totals now less those after the first sample.
awk -F, -v c="$col" 'FNR == 1 { n++; next } { b[$3] += (n == 1 ? -$c : $c) }
	END { for (k in b) print k, b[k] }' "$T/report0" "$T/report" | sort >"$T/stored"
echo "stored (egress bytes per service):"; cat "$T/stored"
for s in site game mcp; do
	truth=$(get "$T/truth" $s)
	got=$(get "$T/stored" $s)
	[ "$truth" -gt 100000 ] || fail "$s: too little traffic ($truth bytes)"
	awk -v s=$s -v t="$truth" -v g="$got" 'BEGIN { printf "%s: %.4f %% of the bytes in their service\n", s, 100 * g / t }'
	if awk -v t="$truth" -v g="$got" 'BEGIN { exit !(g <= t && g >= 0.999 * t) }'; then pass; else
		fail "$s egress: stored $got bytes, truth $truth"
	fi
done
sum=$(awk '{ s += $2 } END { print s }' "$T/stored")
check_eq "egress total equals tcpdump's layer-3 bytes" "$(get "$T/truth" "(total)")" "$sum"
finish
