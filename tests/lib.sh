# Shared helpers for shell tests.  Source it; it sets up a private temporary
# directory (removed on exit), COSTS_DB inside it, and check functions that
# print what differed.  Exit 77 means "skipped" to meson.
set -u
: "${COSTS:?COSTS must point at the costs binary}"
: "${SRCDIR:?SRCDIR must point at the source tree}"
T=$(mktemp -d "${TMPDIR:-/tmp}/costs-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export COSTS_DB="$T/costs.db"
export COSTS_CONFIG=/dev/null # an empty config: the built-in services
unset COSTS_PROVIDERS
export HOME="$T"
export TZ=UTC
FAILS=0
CHECKS=0

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

pass() {
	CHECKS=$((CHECKS + 1))
}

# check_eq WHAT EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then pass; else fail "$1: expected '$2', got '$3'"; fi
}

# run_costs ARGS...: runs costs, capturing stdout in $T/out, stderr in $T/err, status in $RC
run_costs() {
	RC=0
	"$COSTS" "$@" >"$T/out" 2>"$T/err" || RC=$?
}

# check_rc EXPECTED WHAT
check_rc() {
	if [ "$RC" = "$1" ]; then pass; else fail "$2: exit $RC, expected $1; stderr: $(head -c 400 "$T/err")"; fi
}

# check_golden NAME FILE: compares FILE with tests/cli/golden/NAME
check_golden() {
	local g="$SRCDIR/tests/cli/golden/$1"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$2" "$g"; fi
	if diff -u "$g" "$2" >"$T/diff"; then pass; else fail "golden $1 differs:"; cat "$T/diff" >&2; fi
}

# check_grep PATTERN FILE WHAT
check_grep() {
	if grep -q -- "$1" "$2"; then pass; else fail "$3: '$1' not in $(head -c 400 "$2")"; fi
}

# nobody_can_run: whether uid 65534 can execute $COSTS here (not when the
# build lies under a folder only root may enter, such as /root).  It runs
# the binary through env, as the tests do: setpriv itself still execs a file
# under /root after dropping to uid 65534 (it is checked here), but any
# program that user then starts cannot, so a direct check says yes wrongly.
nobody_can_run() {
	[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
		setpriv --reuid=65534 --regid=65534 --clear-groups env "$COSTS" --version >/dev/null 2>&1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

finish() {
	if [ "$FAILS" -gt 0 ]; then
		echo "$FAILS of $((FAILS + CHECKS)) checks failed"
		exit 1
	fi
	if [ "$CHECKS" -eq 0 ]; then
		echo "no checks ran"
		exit 1
	fi
	echo "all $CHECKS checks passed"
	exit 0
}
