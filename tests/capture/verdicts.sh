#!/usr/bin/env bash
# Verdict memory across captures, on a real recording: in network
# namespaces, nginx terminates TLS on 443 for three names (a site, a wss
# game, an MCP endpoint, told apart by sni= rules); a long-lived WebSocket
# (random bytes, echoed), an MCP session and a slow download run for
# about 40 s while tcpdump records.  The recording is cut into 5-second
# windows (editcap -i 5), each captured by its own `costs capture -r`
# into one database, as cron would; the whole file goes into another.
# The windows must put at least 99.5 % of the egress bytes in the same
# services as the whole-file capture (it printed 'same=' before verdicts
# were kept; see the commit).  Set VERDICT_SECONDS to record longer.
. "$SRCDIR/tests/lib.sh"
NETNS_IPV6=0
. "$SRCDIR/tests/nft/netns.sh"
. "$SRCDIR/tests/tls_site.sh"
for tool in nginx openssl editcap node sqlite3 curl; do
	command -v "$tool" >/dev/null || skip "'$tool' is not installed"
done
[ -d "$SRCDIR/tests/node_modules/@modelcontextprotocol/sdk" ] ||
	skip "tests/node_modules has no @modelcontextprotocol/sdk (tools/test-deps.sh)"
SECS=${VERDICT_SECONDS:-40}
PEERS=$SRCDIR/tests/classify/peers

# Client-side names: ip netns exec mounts /etc/netns/NAME/hosts on /etc/hosts.
mkdir -p "/etc/netns/$CL"
printf '192.0.2.1 www.example.com ws.example.com mcp.example.com\n' >"/etc/netns/$CL/hosts"
cleanup_hosts() { rm -rf "/etc/netns/$CL"; }
trap 'cleanup_hosts; netns_cleanup' EXIT

tls_cert "$T" www.example.com ws.example.com mcp.example.com
mkdir -p "$T/www"
head -c 3000000 /dev/urandom >"$T/www/big.bin"
{
	echo "	server { listen 192.0.2.1:443 ssl; server_name www.example.com; root $T/www; }"
	nginx_ws_mcp 192.0.2.1
} | nginx_conf "$T" "	keepalive_timeout 300s;" "user root;"
cat >"$T/costs.conf" <<CONF
[service site]
match = sni=www.example.com
[service game]
match = sni=ws.example.com
[service mcp]
match = sni=mcp.example.com
CONF
cat >"$T/ws_long.py" <<'PY'
import asyncio, os, ssl, sys, time, websockets
async def main():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    end = time.time() + float(sys.argv[1])
    async with websockets.connect("wss://ws.example.com/ws", ssl=ctx) as ws:
        while time.time() < end:
            await ws.send(os.urandom(3000))
            await ws.recv()
            await asyncio.sleep(0.05)
asyncio.run(main())
PY

srv nginx -c "$T/nginx.conf" -e "$T/nginx-error.log" || skip "nginx does not start here"
PIDS="$PIDS $(cat "$T/nginx.pid")"
start_bg ws ready "${SRV[@]}" /usr/bin/python3 "$SRCDIR/tests/nft/peers.py" ws 127.0.0.1 8765
"${SRV[@]}" node "$PEERS/mcp-server.mjs" streamable 127.0.0.1 3000 >"$T/mcp.log" 2>&1 &
PIDS="$PIDS $!"
wait_port 3000 && wait_port 443 || { fail "servers did not start"; exit 1; }

srv tcpdump -q -i "$IF" -s 0 -U -w "$T/rec.pcap" tcp 2>"$T/tcpdump.err" &
TCPDUMP=$!
sleep 1
cli /usr/bin/python3 "$T/ws_long.py" "$SECS" 2>"$T/wsc.err" &
C1=$!
NODE_TLS_REJECT_UNAUTHORIZED=0 cli node "$SRCDIR/tests/capture/mcp-session.mjs" \
	https://mcp.example.com/mcp "$SECS" 300 2>"$T/mcpc.err" &
C2=$!
# A site download spread over the windows, and short page loads.
cli curl -sk --limit-rate "$((3000000 / SECS))" -o /dev/null https://www.example.com/big.bin &
C3=$!
for i in $(seq $((SECS / 5))); do
	cli curl -sk -o /dev/null https://www.example.com/big.bin -r 0-20000 || true
	sleep 4
done
wait $C1 || fail "the WebSocket client failed: $(cat "$T/wsc.err")"
wait $C2 || fail "the MCP client failed: $(cat "$T/mcpc.err")"
wait $C3 || fail "the slow download failed"
sleep 0.5
kill -TERM $TCPDUMP
wait $TCPDUMP 2>/dev/null

out=$(bash "$SRCDIR/tests/capture/windows.sh" "$COSTS" "$T/rec.pcap" "$T/w" "$T/costs.conf" auto)
echo "windowed recording: $out ($(ls "$T/w/win" | wc -l) windows)"
cat "$T/w/both.txt" >&2
same=${out#same=}
same=${same%% *}
awk -v s="$same" 'BEGIN { exit !(s >= 99.5) }' && pass ||
	fail "5-second windows put only $same % of egress in the same services (want 99.5)"
# Every service was seen by the whole-file capture.
for s in site game mcp; do
	grep -q "^$s|[1-9]" "$T/w/both.txt" && pass || fail "whole capture has no '$s' bytes"
done
[ "$FAILS" = 0 ] || exit 1
echo "verdicts: $CHECKS checks passed"
