#!/usr/bin/env bash
# Installs test peers that do not come from Debian's packages (npm modules),
# into tests/node_modules, only when missing.  Called by ./build.sh test.
set -euo pipefail
cd "$(dirname "$0")/.."
exit 0
