#!/usr/bin/env bash
# A lock held by another process: import, capture (file and standard input)
# and sample give up after the busy timeout, measured on a monotonic clock
# (COSTS_BUSY_TIMEOUT seconds here, 30 by default), say so, and change
# nothing.  They used to wait for as long as the lock was held.
. "$SRCDIR/tests/lib.sh"
command -v sqlite3 >/dev/null || skip "sqlite3 not installed"
D="$SRCDIR/tests/data/capture"
CSV="$SRCDIR/tests/data/small.csv"

"$COSTS" -q import "$CSV" || fail "first import"
before=$("$COSTS" export daily)

# Another process holds the write lock until told to commit.
mkfifo "$T/sql"
sqlite3 "$COSTS_DB" <"$T/sql" >/dev/null 2>&1 &
holder=$!
exec 3>"$T/sql"
echo "BEGIN IMMEDIATE; INSERT INTO runs(command, pid, started_us) VALUES ('holder', 1, 1);" >&3
for _ in $(seq 50); do
	sqlite3 -cmd ".timeout 0" "$COSTS_DB" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 || break
	sleep 0.1
done
release() {
	echo "COMMIT;" >&3
	exec 3>&-
	wait $holder
}

# timed NAME ARGS...: runs costs with a 2 s timeout, sets RC and MS (elapsed)
timed() {
	local t0 t1
	t0=$(date +%s%N)
	RC=0
	COSTS_BUSY_TIMEOUT=2 "$COSTS" "$@" >"$T/out" 2>"$T/err" <"${STDIN:-/dev/null}" || RC=$?
	t1=$(date +%s%N)
	MS=$(((t1 - t0) / 1000000))
}

check_lock() { # WHAT
	check_rc 1 "$1 while another process holds the lock"
	check_grep "database is locked by another process (waited 2 s)" "$T/err" "$1 message"
	if [ "$MS" -ge 1900 ] && [ "$MS" -lt 4500 ]; then pass; else fail "$1 waited $MS ms, expected about 2000"; fi
}

timed import "$CSV"
check_lock import
check_grep "(nothing imported)" "$T/err" "import says nothing was imported"
timed capture -r "$D/web.pcap"
check_lock "capture -r FILE"
check_grep "(nothing stored)" "$T/err" "capture of a file says nothing was stored"
STDIN="$D/web.pcap" timed capture -r -
check_lock "capture -r -"
check_grep "cannot store the last totals" "$T/err" "capture of standard input names the last flush"
if grep -q "kept for the next flush" "$T/err"; then
	fail "the last flush cannot keep totals for a next flush"
else
	pass
fi
timed sample
if grep -q "database is locked" "$T/err"; then
	check_lock sample
else
	echo "note: sample failed before the store here ($(head -c 200 "$T/err")); lock check not made"
fi

release
check_eq "nothing changed while locked" "$before" "$("$COSTS" export daily)"

# The timeout must be a number of seconds.
COSTS_BUSY_TIMEOUT=soon run_costs import "$CSV"
check_rc 1 "bad COSTS_BUSY_TIMEOUT"
check_grep "bad COSTS_BUSY_TIMEOUT 'soon'" "$T/err" "bad COSTS_BUSY_TIMEOUT names the value"
finish
