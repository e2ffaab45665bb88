#!/usr/bin/env bash
# Flows waiting for their first payload: their number grows with
# --max-memory (a 512-byte budget each, a quarter of the limit), so 3,000
# connections that all wait half a second before their HTTP request are
# classified, not pushed to `other` (1,024 could wait before).  A small
# limit still falls back, and says so in the totals.
. "$SRCDIR/tests/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"
python3 "$SRCDIR/tests/capture/concurrent.py" "$T/c.pcap" 3000
egress() { # DB SERVICE
	sqlite3 "$1" "SELECT coalesce(sum(bytes), 0) FROM daily WHERE direction = 'egress' AND service = '$2'"
}
run_costs --db "$T/a.db" capture -r "$T/c.pcap" --local 192.0.2.1
check_rc 0 "capture of 3,000 waiting connections"
check_eq "bytes in other with the default limit" 0 "$(egress "$T/a.db" other)"
check_eq "bytes in http with the default limit (3,000 x (40 + 5 x 1500))" 22620000 "$(egress "$T/a.db" http)"
run_costs --db "$T/b.db" capture -r "$T/c.pcap" --local 192.0.2.1 --max-memory 1MiB
check_rc 0 "capture with --max-memory 1MiB"
n=$(egress "$T/b.db" other)
[ "$n" -gt 0 ] && pass || fail "1 MiB holds 512 waiting flows: expected bytes in other, got $n"
[ "$FAILS" = 0 ] || exit 1
echo "capacity: $CHECKS checks passed"
