#!/usr/bin/env bash
# Fails when a C source or header in the repository differs from what
# clang-format makes of it with the repository's .clang-format.
# Usage: tools/check-format.sh [SOURCE_ROOT]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
command -v clang-format >/dev/null || { echo "SKIP: clang-format is not installed"; exit 77; }
bad=0
while IFS= read -r f; do
	if ! clang-format --style=file "$f" | cmp -s - "$f"; then
		echo "not formatted: $f (run: clang-format -i $f)"
		bad=1
	fi
done < <(find src tests -name '*.c' -o -name '*.h' | grep -v node_modules | sort)
exit $bad
