#!/usr/bin/env bash
# The main job on bundled data, in a private database under demo-out/:
# import a month of daily totals for three services and report it.
set -euo pipefail
costs=${1:-build/src/cli/costs}
cd "$(dirname "$0")/.."
out=demo-out
rm -rf "$out"
mkdir -p "$out"
export COSTS_DB="$PWD/$out/costs.db"
export COSTS_CONFIG=/dev/null
export TZ=UTC

echo "== costs import data/demo-2026-03-04.csv data/demo-2026-05.csv"
"$costs" import data/demo-2026-03-04.csv
"$costs" import data/demo-2026-05.csv
echo
echo "== costs report --month 2026-05 --by month"
"$costs" report --month 2026-05 --by month
echo
echo "== costs report --from 2026-05-25 --to 2026-05-31 --service mcp"
"$costs" report --from 2026-05-25 --to 2026-05-31 --service mcp
echo
echo "== costs project --as-of 2026-05-14"
"$costs" project --as-of 2026-05-14
echo
echo "== costs project --backtest"
"$costs" project --backtest
echo
echo "The database is $out/costs.db; try: COSTS_DB=$out/costs.db $costs report --help"
