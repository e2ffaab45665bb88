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

# The MCP server and client used by tests/classify/record.sh and live.sh.
# Without them (no route to the npm registry, or a proxy whose certificate
# this machine does not trust) those tests say so and skip; the rest runs.
if [ ! -f tests/node_modules/@modelcontextprotocol/sdk/package.json ]; then
	if ! out=$(npm install --silent --no-audit --no-fund --prefix tests \
		@modelcontextprotocol/sdk@1 2>&1); then
		echo "test-deps.sh: warning: cannot install @modelcontextprotocol/sdk from npm;" \
			"the live MCP tests will skip: $(printf '%s\n' "$out" | grep -m1 -i 'err' || true)" >&2
	fi
fi
exit 0
