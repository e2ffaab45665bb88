#!/usr/bin/env bash
# costs capture --user: after opening the device and the database the
# process runs as the user with nothing left that could give privileges
# back: no capability in any set (the bounding set included) and
# no_new_privs, as /proc/PID/status of the running capture shows.
. "$SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root for a network namespace and --user"
id nobody >/dev/null 2>&1 || skip "no user 'nobody'"
NS=costs-drop-$$
ip netns add "$NS" 2>/dev/null || skip "cannot create network namespaces"
ip netns exec "$NS" true 2>/dev/null || { ip netns del "$NS"; skip "ip netns exec does not work here"; }
nobody_can_run || { ip netns del "$NS"; skip "uid 65534 cannot run $COSTS here (a build under /root?)"; }
cap=
cleanup() {
	[ -n "$cap" ] && kill "$cap" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ip -n "$NS" link set lo up
mkdir -m 0777 "$T/db"
export COSTS_DB="$T/db/c.db"

ip netns exec "$NS" "$COSTS" capture -i lo --seconds 4 --user nobody >"$T/out" 2>"$T/err" &
cap=$!
# Wait for the switch to nobody, then read the process's state.
for _ in $(seq 50); do
	grep -q "^Uid:[[:space:]]*65534[[:space:]]" "/proc/$cap/status" 2>/dev/null && break
	sleep 0.1
done
grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' "/proc/$cap/status" \
	>"$T/status" 2>/dev/null
RC=0
wait "$cap" || RC=$?
cap=
check_rc 0 "capture --user nobody"
field() { awk -v f="$1:" '$1 == f { print $2 }' "$T/status"; }
check_eq "runs as nobody" 65534 "$(field Uid)"
check_eq "no capability in the bounding set" 0000000000000000 "$(field CapBnd)"
check_eq "no permitted capability" 0000000000000000 "$(field CapPrm)"
check_eq "no effective capability" 0000000000000000 "$(field CapEff)"
check_eq "no ambient capability" 0000000000000000 "$(field CapAmb)"
check_eq "no_new_privs is set" 1 "$(field NoNewPrivs)"
finish
