#!/usr/bin/env bash
# Records fresh fixtures from real peers (tests/classify/record.sh: nginx,
# curl, node, chromium, websockets, the MCP SDK in network namespaces) and
# checks that costs capture attributes at least 99.9 % of their egress to the
# expected services, so the committed fixtures are not the only evidence.
. "$SRCDIR/tests/lib.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
for t in ip nginx tcpdump tshark ethtool chromium node openssl curl; do
	command -v "$t" >/dev/null || skip "$t is not installed"
done
/usr/bin/python3 -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"
[ -d "$SRCDIR/tests/node_modules/@modelcontextprotocol/sdk" ] ||
	skip "@modelcontextprotocol/sdk is not installed (tools/test-deps.sh)"
"$COSTS" capture --help >/dev/null 2>&1 || skip "costs has no capture command in this build"

if ! bash "$SRCDIR/tests/classify/record.sh" "$T/fx" >"$T/record.log" 2>&1; then
	cat "$T/record.log" >&2
	fail "record.sh failed"
	finish
fi
pass
cp "$SRCDIR/tests/data/classify/fixtures.conf" "$T/fx/"
for f in sni wss wss-backend mcp-http mcp-tls mcp-tls-backend mcp-sse; do
	check_grep "^$f.pcap," "$T/fx/expected.csv" "expected totals for $f"
done
if COSTS_CLASSIFY_DATA="$T/fx" COSTS_SHARED_CAPTURES=/nonexistent \
	bash "$SRCDIR/tests/classify/accuracy.sh"; then pass; else fail "accuracy on fresh fixtures"; fi
finish
