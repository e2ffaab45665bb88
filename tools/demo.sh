#!/usr/bin/env bash
# The main job on bundled data, in a private database under demo-out/:
#   1. capture bundled captures recorded from real servers and report them
#      per service (SNI, WebSocket and MCP detection);
#   2. import three months of daily totals (the story's May: 1.3 TB) and
#      compare what May costs on every provider and plan;
#   3. project May as it looked on the 14th, with bills and the budget;
#   4. plot the month's projection and the bills.
set -euo pipefail
costs=${1:-build/src/cli/costs}
cd "$(dirname "$0")/.."
out=demo-out
rm -rf "$out"
mkdir -p "$out"
costs=$(realpath "$costs")
export COSTS_DB="$PWD/$out/costs.db"
export COSTS_CONFIG=/dev/null
export TZ=UTC
# Recorded from real peers in network namespaces (tests/classify/record.sh):
# nginx terminating TLS for three names, wss to a python3-websockets server
# (through nginx and on the backend hop), and MCP servers and clients from
# @modelcontextprotocol/sdk over TLS, plain HTTP and the legacy SSE transport.
fixtures=tests/data/classify
config=$fixtures/fixtures.conf
captures="sni wss wss-backend mcp-tls mcp-http mcp-sse"

step() {
	printf '\n== %s\n' "$*"
}

for c in $captures; do
	step "costs --config $config capture -r $fixtures/$c.pcap"
	"$costs" --config "$config" capture -r "$fixtures/$c.pcap"
done
step "costs --config $config report (what the captures saw, by service)"
"$costs" --config "$config" report

step "costs import data/demo-2026-03-04.csv data/demo-2026-05.csv (daily totals of three months)"
"$costs" import data/demo-2026-03-04.csv
"$costs" import data/demo-2026-05.csv
step "costs report --month 2026-05 --by month"
"$costs" report --month 2026-05 --by month

step "costs compare --month 2026-05 --rate EUR=1.08 (May's 1.3 TB on every plan)"
"$costs" compare --month 2026-05 --rate EUR=1.08

step "costs project --as-of 2026-05-14 --provider render (May as it looked on the 14th)"
"$costs" project --as-of 2026-05-14 --provider render

step "costs project --as-of 2026-05-14 --provider render --plan professional --budget 120 >/dev/null"
rc=0
"$costs" project --as-of 2026-05-14 --provider render --plan professional --budget 120 \
	>/dev/null || rc=$?
echo "exit status $rc (3: the projected bill is over the budget; the line above is the cron mail)"

if command -v gnuplot >/dev/null; then
	step "costs plot project / compare / daily"
	"$costs" plot project --as-of 2026-05-14 --provider render --plan professional \
		--out "$out/project-2026-05.png"
	"$costs" plot compare --month 2026-05 --rate EUR=1.08 --out "$out/compare-2026-05.png"
	"$costs" plot daily --month 2026-05 --allowance 500GB --out "$out/daily-2026-05.png"
	echo "plots: $out/project-2026-05.png, $out/compare-2026-05.png, $out/daily-2026-05.png"
	echo "(each with its .dat data and .gp gnuplot script beside it)"
else
	echo "gnuplot is not installed: no plots (apt-get install gnuplot-nox)"
fi
echo
echo "The database is $out/costs.db; try: COSTS_DB=$out/costs.db $costs report --help"
