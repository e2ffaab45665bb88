#!/usr/bin/env bash
# Installs test peers that do not come from Debian's packages (npm modules),
# into tests/node_modules, only when missing.  Called by ./build.sh test.
set -euo pipefail
cd "$(dirname "$0")/.."

# The MCP server and client used by tests/classify/record.sh.
if [ ! -f tests/node_modules/@modelcontextprotocol/sdk/package.json ]; then
	npm install --silent --no-audit --no-fund --prefix tests \
		@modelcontextprotocol/sdk@1 >/dev/null
fi
exit 0
