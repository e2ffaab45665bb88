#!/usr/bin/env bash
# Installs test peers that do not come from Debian's packages (npm modules),
# into tests/node_modules, only when missing.  Called by ./build.sh test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian 12's nodejs comes without npm; Debian's npm package brings it.  A
# machine whose nodejs already has npm (NodeSource's builds conflict with
# Debian's npm package) keeps its own.
if ! command -v npm >/dev/null; then
	echo "test-deps.sh: installing npm" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
fi

# The MCP server and client used by tests/classify/record.sh.
if [ ! -f tests/node_modules/@modelcontextprotocol/sdk/package.json ]; then
	npm install --silent --no-audit --no-fund --prefix tests \
		@modelcontextprotocol/sdk@1 >/dev/null
fi
exit 0
